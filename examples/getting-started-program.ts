import { ChainOfThought, DummyLM, Module, Predict, Prediction, Predictor, configure } from 'dspex';

/** A program is a Module: it owns predictors and decides how they are called. */
class FactChecker extends Module {
  @Predictor('claim -> question', { module: ChainOfThought }) ask!: ChainOfThought;
  @Predictor('claim, question -> verdict: bool') judge!: Predict;

  async forward(inputs: { claim: string }): Promise<Prediction> {
    const { question } = await this.ask.forward({ claim: inputs.claim });
    return this.judge.forward({ claim: inputs.claim, question });
  }
}

export async function main(): Promise<void> {
  configure({
    lm: new DummyLM([{ reasoning: 'The claim is about where the Eiffel Tower stands.', question: 'In which city is the Eiffel Tower?' }, { verdict: true }]),
  });

  const checker = new FactChecker();
  const result = await checker.forward({ claim: 'The Eiffel Tower is in Paris.' });
  console.log(result.verdict); // true

  // The learnable parts, by name: what optimizers tune and what save() writes.
  console.log(checker.namedPredictors().map(([name]) => name)); // [ 'ask.predict', 'judge' ]
}

if (require.main === module) void main();
