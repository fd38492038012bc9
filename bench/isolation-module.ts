import { Module, Prediction } from 'dspex';

/**
 * The module the isolation bench runs in worker threads (loaded from its compiled .js):
 * `{ spinMs }` keeps a core busy for that long (Infinity: until the thread is terminated),
 * anything else answers at once.
 */
export class Spinner extends Module {
  async forward(inputs: { n?: number; spinMs?: number }): Promise<Prediction> {
    if (inputs.spinMs !== undefined) {
      const until = performance.now() + inputs.spinMs;
      while (performance.now() < until);
    }
    return new Prediction({ value: inputs.n ?? 0 });
  }
}
