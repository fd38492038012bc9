import { DummyLM, Predict, XMLAdapter, configure } from 'dspex';

/** XML replies: every field between its own tags, lists as nested <item> elements. */
export async function main(): Promise<void> {
  const adapter = new XMLAdapter();
  // DummyLM writes its scripted answers in the adapter's format.
  const lm = new DummyLM([{ city: 'Lyon', rivers: ['Rhône', 'Saône'] }], { adapter });
  configure({ lm, adapter });

  const lookup = new Predict('description -> city, rivers: list[str]');
  const result = await lookup.forward({ description: 'the French city where two rivers meet' });
  console.log(result.city, result.rivers); // Lyon [ 'Rhône', 'Saône' ]

  const [call] = lm.history;
  console.log(call.messages[1].content); // the request, fields in tags

  // A reply may also write a list as nested XML.
  console.log(adapter.parse(lookup.signature, '<city>Lyon</city>\n<rivers><item>Rhône</item><item>Saône</item></rivers>'));
}

if (require.main === module) void main();
