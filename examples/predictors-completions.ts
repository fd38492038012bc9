import { DummyLM, Predict } from 'dspex';

/** Asking for several answers in one request, and reading all of them. */
export async function main(): Promise<void> {
  const lm = new DummyLM([{ slogan: 'Fresh every morning.' }, { slogan: 'Bread, the way it was.' }, { slogan: 'Baked while you sleep.' }]);
  const brainstorm = new Predict('product -> slogan', { n: 3 });

  const prediction = await brainstorm.forward({ product: 'a neighbourhood bakery' }, { lm });
  console.log(prediction.slogan); // Fresh every morning. (the first completion)
  console.log(prediction.completions?.length); // 3
  console.log(prediction.completions?.field('slogan'));
  console.log(lm.history.length, lm.history[0].options.temperature); // 1 0.7: one request; n > 1 raises a low temperature to 0.7
}

if (require.main === module) void main();
