import { DummyLM, JSONAdapter, Predict, configure } from 'dspex';

/** Switching every predictor to JSON replies: the model is asked for a JSON object with a schema. */
export async function main(): Promise<void> {
  const lm = new DummyLM([{ city: 'Lyon', population: 522250 }]);
  configure({ lm, adapter: new JSONAdapter() });

  const lookup = new Predict('description -> city, population: int');
  const result = await lookup.forward({ description: 'the French city where the Saône meets the Rhône' });
  console.log(result.city, result.population); // Lyon 522250

  const [call] = lm.history;
  console.log(call.outputs[0]); // the reply, a JSON object
  console.log(JSON.stringify(call.options.responseFormat, null, 2)); // the schema sent as response_format
}

if (require.main === module) void main();
