import { DummyLM, Example, Module, Predict, Prediction } from 'dspex';

class Translate extends Module {
  translate = new Predict('english -> french');

  async forward(inputs: { english: string }): Promise<Prediction> {
    return this.translate.forward(inputs);
  }
}

/** Running a program on many examples, and making independent copies of it. */
export async function main(): Promise<void> {
  const program = new Translate();
  program.setLM(new DummyLM([{ french: 'bonjour' }, { french: 'merci' }]));

  // batch() runs forward on each example (its inputs() when input keys are set), a few at a time,
  // and returns the predictions in the examples' order.
  const examples = [
    new Example({ english: 'hello', french: 'bonjour' }).withInputs('english'),
    new Example({ english: 'thank you', french: 'merci' }).withInputs('english'),
  ];
  const predictions = await program.batch(examples, { concurrency: 1 });
  console.log(predictions.map((prediction) => prediction.french)); // [ 'bonjour', 'merci' ]

  // deepcopy(): an independent program (LMs are shared); resetCopy(): the same without demos or LM.
  program.translate.demos = [{ english: 'cat', french: 'chat' }];
  const copy = program.deepcopy();
  copy.translate.demos.push({ english: 'dog', french: 'chien' });
  console.log(program.translate.demos.length, copy.translate.demos.length); // 1 2
  const blank = program.resetCopy();
  console.log(blank.translate.demos.length, blank.translate.lm); // 0 undefined

  // Modes, as in DSPy: train() and eval() set `training` on the module and every sub-module.
  console.log(program.eval().training, program.train().translate.training); // false true
}

if (require.main === module) void main();
