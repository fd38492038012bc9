import { ChainOfThought, DummyLM, Module, Predict, configure } from 'dspex';

/** A program is a Module: it owns predictors and decides how they are called. */
class FactChecker extends Module {
  ask = new ChainOfThought('claim -> question');
  judge = new Predict('claim, question -> verdict: bool');

  async forward(inputs: { claim: string }) {
    const { question } = await this.ask.forward({ claim: inputs.claim }); // question: string
    return this.judge.forward({ claim: inputs.claim, question }); // a Prediction whose verdict is a boolean
  }
}

export async function main(): Promise<void> {
  configure({
    lm: new DummyLM([{ reasoning: 'The claim is about where the Eiffel Tower stands.', question: 'In which city is the Eiffel Tower?' }, { verdict: true }]),
  });

  const checker = new FactChecker();
  const { verdict } = await checker.forward({ claim: 'The Eiffel Tower is in Paris.' });
  console.log(verdict ? 'true claim' : 'false claim'); // true claim

  // The learnable parts, by name: what optimizers tune and what save() writes.
  console.log(checker.namedPredictors().map(([name]) => name)); // [ 'ask.predict', 'judge' ]
}

if (require.main === module) void main();
