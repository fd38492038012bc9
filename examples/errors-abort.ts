import { DummyLM, Module, Predict, Prediction, type ForwardOptions } from 'dspex';

class Pipeline extends Module {
  draft = new Predict('topic -> draft');
  polish = new Predict('draft -> text');

  // Declaring `options` lets callers pass a signal; dspex hands it to the inner predictors itself.
  async forward(inputs: { topic: string }, _options?: ForwardOptions): Promise<Prediction> {
    const { draft } = await this.draft.forward(inputs);
    return this.polish.forward({ draft });
  }
}

/** Cancelling a call: it rejects with the reason you gave, not with a dspex error. */
export async function main(): Promise<void> {
  const controller = new AbortController();
  const reason = new Error('the user closed the page');
  const lm = new DummyLM(() => {
    controller.abort(reason); // the user leaves while the first step runs
    return { draft: 'A first draft.' };
  });

  const pipeline = new Pipeline().setLM(lm);
  try {
    await pipeline.forward({ topic: 'otters' }, { signal: controller.signal });
  } catch (error) {
    console.log(error === reason); // true: your own reason, unwrapped
  }
  console.log(lm.history.length); // 1: the second step never called the LM
}

if (require.main === module) void main();
