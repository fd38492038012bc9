import { ChainOfThought, DummyLM, Module, Predict, Prediction } from 'dspex';

/** The same kind of program without decorators: members assigned in the constructor are found too. */
class Summarizer extends Module {
  draft = new ChainOfThought('document -> summary');
  shorten: Predict;

  constructor(maxWords: number) {
    super();
    this.shorten = new Predict('summary -> short_summary', { maxTokens: maxWords * 4 });
  }

  async forward(inputs: { document: string }): Promise<Prediction> {
    const { summary } = await this.draft.forward(inputs);
    return this.shorten.forward({ summary });
  }
}

export async function main(): Promise<void> {
  const summarizer = new Summarizer(12);
  console.log(summarizer.namedPredictors().map(([name]) => name)); // [ 'draft.predict', 'shorten' ]

  const lm = new DummyLM([
    { reasoning: 'The text is about a launch delay.', summary: 'The launch moved from May to June because of supply issues.' },
    { short_summary: 'Launch delayed to June.' },
  ]);
  summarizer.setLM(lm); // every predictor of the program uses this LM
  const result = await summarizer.forward({ document: 'Because of supply issues, the launch planned for May will happen in June.' });
  console.log(result.short_summary); // Launch delayed to June.
}

if (require.main === module) void main();
