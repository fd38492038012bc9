import { DummyLM, Module, Predict, Prediction, StreamChunk, StreamListener, configure, streamify } from 'dspex';

/** Two steps that both produce an `answer`: only the second one is worth showing as it streams. */
class DraftAndPolish extends Module {
  draft = new Predict('question -> answer');
  polish = new Predict('question, draft -> answer');

  async forward(inputs: { question: string }): Promise<Prediction> {
    const draft = await this.draft.forward(inputs);
    return this.polish.forward({ question: inputs.question, draft: String(draft.answer) });
  }
}

export async function main(): Promise<void> {
  configure({ lm: new DummyLM([{ answer: 'paris' }, { answer: 'The capital of France is Paris.' }], { streamChunkSize: 10 }) });
  // The field alone would be ambiguous (both predictors have `answer`), so name the predictor.
  const stream = streamify(new DraftAndPolish(), { listeners: [new StreamListener({ field: 'answer', predictor: 'polish' })] });

  let shown = '';
  for await (const item of stream({ question: 'What is the capital of France?' })) {
    if (item instanceof StreamChunk) shown += item.chunk;
  }
  console.log(shown); // The capital of France is Paris.
}

if (require.main === module) void main();
