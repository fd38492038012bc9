import { DummyLM, Example, Predict } from 'dspex';

/** A Predict: one signature, its LM options, and the few-shot demos it shows the model. */
export async function main(): Promise<void> {
  const lm = new DummyLM([{ label: 'spam' }, { label: 'not spam' }]);
  const classify = new Predict("message -> label: Literal['spam', 'not spam']", { temperature: 0 });
  classify.lm = lm;

  // Demos are worked examples put into the prompt; optimizers choose them for you.
  classify.demos = [new Example({ message: 'WIN A FREE CRUISE!!! Click now', label: 'spam' }), { message: 'Lunch at noon tomorrow?', label: 'not spam' }];

  const first = await classify.forward({ message: 'Your account is locked, send your password' });
  console.log(first.label); // spam
  console.log(lm.history[0].messages.length); // 6: system, two demo turns (user + assistant each), the request

  // Options of one call override the predictor's own: here another temperature and no demos.
  const second = await classify.forward({ message: 'Meeting moved to 3pm' }, { config: { temperature: 0.5 }, demos: [] });
  console.log(second.label, lm.history[1].options.temperature, lm.history[1].messages.length); // not spam 0.5 2
}

if (require.main === module) void main();
