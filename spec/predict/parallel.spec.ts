import pino from 'pino';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { Parallel, type ParallelPair, type ParallelRunnable } from '../../lib/predict/parallel';
import { Predict } from '../../lib/predict/predict';
import { Example } from '../../lib/primitives/example';
import { Prediction } from '../../lib/primitives/prediction';
import { configure, resetSettings } from '../../lib/settings/settings';

afterEach(() => resetSettings());

const silent = pino({ level: 'silent' });

/** A module whose calls finish only when the test says so, recording how many run at once. */
class Gate implements ParallelRunnable {
  running = 0;
  peak = 0;
  readonly started: Record<string, unknown>[] = [];
  readonly signals: (AbortSignal | undefined)[] = [];
  readonly #waiting: (() => void)[] = [];

  async forward(inputs: Record<string, unknown>, options: { signal?: AbortSignal } = {}): Promise<Prediction> {
    this.started.push(inputs);
    this.signals.push(options.signal);
    this.running += 1;
    this.peak = Math.max(this.peak, this.running);
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.running -= 1;
    if (inputs.fail === true) throw new Error(`failed ${String(inputs.id)}`);
    return new Prediction({ id: inputs.id });
  }

  /** Lets every call that is waiting finish, repeatedly, until `done` settles; then settles as `done` did. */
  async drain<T>(done: Promise<T>): Promise<T> {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    done.then(
      (value) => (outcome = { ok: true, value }),
      (error: unknown) => (outcome = { ok: false, error }),
    );
    while (outcome === undefined) {
      for (const release of this.#waiting.splice(0)) release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }
}

/** A module that answers at once, or throws for inputs with `fail`. */
const instant: ParallelRunnable = {
  async forward(inputs) {
    if (inputs.fail === true) throw new Error(`failed ${String(inputs.id)}`);
    return new Prediction({ id: inputs.id });
  },
};

describe('Parallel', () => {
  it('runs Predict pairs and returns results in pair order', async () => {
    configure({ lm: new DummyLM({ 'Capital of France': { answer: 'Paris' }, 'Capital of Italy': { answer: 'Rome' } }) });
    const qa = new Predict('question -> answer');
    const results = await new Parallel().forward([
      [qa, { question: 'Capital of France?' }],
      [qa, { question: 'Capital of Italy?' }],
    ]);
    expect(results.map((result) => result?.answer)).toEqual(['Paris', 'Rome']);
  });

  it('never runs more than concurrency pairs at once', async () => {
    const gate = new Gate();
    const pairs: ParallelPair[] = Array.from({ length: 7 }, (_, id) => [gate, { id }]);
    const results = await gate.drain(new Parallel({ concurrency: 3 }).forward(pairs));
    expect(gate.peak).toBe(3);
    expect(results.map((result) => result?.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('runs an Example on its inputs() and a plain object as it is', async () => {
    const gate = new Gate();
    const example = new Example({ id: 1, label: 'x' }).withInputs('id');
    await gate.drain(
      new Parallel().forward([
        [gate, example],
        [gate, { id: 2, extra: true }],
      ]),
    );
    expect(gate.started).toEqual([{ id: 1 }, { id: 2, extra: true }]);
  });

  it('gives null for a failed pair and keeps going below maxErrors', async () => {
    const results = await new Parallel({ maxErrors: 3, logger: silent }).forward([
      [instant, { id: 0 }],
      [instant, { id: 1, fail: true }],
      [instant, { id: 2 }],
    ]);
    expect(results.map((result) => result?.id ?? null)).toEqual([0, null, 2]);
  });

  it('returns failed examples and their errors in pair order with returnFailedExamples', async () => {
    const failing = { id: 1, fail: true };
    const outcome = await new Parallel({ returnFailedExamples: true, logger: silent }).forward([
      [instant, { id: 0 }],
      [instant, failing],
    ]);
    expect(outcome.results.map((result) => result?.id ?? null)).toEqual([0, null]);
    expect(outcome.failedExamples).toEqual([failing]);
    expect(outcome.exceptions).toEqual([expect.objectContaining({ message: 'failed 1' })]);
  });

  it('counts an Example without input keys as a failed pair', async () => {
    const outcome = await new Parallel({ returnFailedExamples: true, logger: silent }).forward([[instant, new Example({ id: 0 })]]);
    expect(outcome.exceptions).toEqual([expect.objectContaining({ code: 'INPUT_INVALID' })]);
  });

  it('cancels the rest and rejects with EVALUATION_FAILED once errors reach maxErrors', async () => {
    const gate = new Gate();
    const pairs: ParallelPair[] = [
      [gate, { id: 0, fail: true }],
      [gate, { id: 1 }],
      [gate, { id: 2 }],
      [gate, { id: 3 }],
    ];
    const outcome = gate.drain(new Parallel({ concurrency: 2, maxErrors: 1, logger: silent }).forward(pairs));
    await expect(outcome).rejects.toMatchObject({
      code: 'EVALUATION_FAILED',
      details: { errors: 1, maxErrors: 1 },
      cause: expect.objectContaining({ message: 'failed 0' }),
    });
    expect(gate.started.map((inputs) => inputs.id)).toEqual([0, 1]);
    expect(gate.signals[1]?.aborted).toBe(true);
  });

  it('runs a nested [parallel, pairs] pair', async () => {
    const inner = new Parallel();
    const results = await new Parallel().forward([[inner, [[instant, { id: 'a' }]]] as never, [instant, { id: 'b' }]]);
    expect(results[0]).toEqual([expect.objectContaining({ id: 'a' })]);
    expect((results[1] as Prediction).id).toBe('b');
  });

  it("rejects with the caller's reason when the caller aborts", async () => {
    const gate = new Gate();
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = new Parallel({ logger: silent }).forward([[gate, { id: 0 }]], { signal: controller.signal });
    controller.abort(reason);
    await expect(gate.drain(pending)).rejects.toBe(reason);
  });

  it.each([
    ['concurrency 0', { concurrency: 0 }],
    ['maxErrors -1', { maxErrors: -1 }],
    ['an unknown option', { numThreads: 4 }],
  ])('rejects %s with CONFIGURATION_INVALID', (_label, options) => {
    expect(() => new Parallel(options as never)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });

  it('names a misspelt option with a did-you-mean, in the constructor and per call', async () => {
    expect(() => new Parallel({ maxError: 3 } as never)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: { option: 'maxError', suggestion: 'maxErrors' } }),
    );
    await expect(new Parallel().forward([], { concurency: 2 } as never)).rejects.toMatchObject({
      code: 'CONFIGURATION_INVALID',
      details: { option: 'concurency', suggestion: 'concurrency' },
    });
  });

  it('rejects pairs that are not [module, example] with INPUT_INVALID', async () => {
    await expect(new Parallel().forward([instant] as never)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });
});
