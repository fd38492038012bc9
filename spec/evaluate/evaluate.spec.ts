import pino from 'pino';
import { Evaluate } from '../../lib/evaluate/evaluate';
import type { Metric } from '../../lib/evaluate/metric';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { Example } from '../../lib/primitives/example';
import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { context, currentSettings, resetSettings } from '../../lib/settings/settings';
import { QA, exactAnswer } from '../helpers/qa-program';

const silent = pino({ level: 'silent' });

function devset(size: number): Example[] {
  return Array.from({ length: size }, (_, index) => new Example({ question: `q${index}`, answer: `a${index}` }).withInputs('question'));
}

/** Answers `a<n>` for `q<n>`, except for the questions it is told to get wrong or to throw on. */
class EchoProgram extends Module {
  constructor(
    readonly wrong: ReadonlySet<string> = new Set(),
    readonly failing: ReadonlySet<string> = new Set(),
  ) {
    super();
  }

  async forward(inputs: { question: string }): Promise<Prediction> {
    if (this.failing.has(inputs.question)) throw new Error(`cannot answer ${inputs.question}`);
    const answer = this.wrong.has(inputs.question) ? 'wrong' : inputs.question.replace('q', 'a');
    return new Prediction({ answer });
  }
}

afterEach(() => resetSettings());

describe('Evaluate', () => {
  it('scores a program as a percentage with two decimals, rows in devset order', async () => {
    const evaluate = new Evaluate({ devset: devset(3), metric: exactAnswer, logger: silent });
    const result = await evaluate.run(new EchoProgram(new Set(['q1'])));
    expect(result.score).toBe(66.67);
    expect(result.results.map(([example, prediction, score]) => [example.get('question'), prediction.get('answer'), score])).toEqual([
      ['q0', 'a0', true],
      ['q1', 'wrong', false],
      ['q2', 'a2', true],
    ]);
  });

  it('averages numeric metric values', async () => {
    const metric: Metric = (example) => (example.get('question') === 'q0' ? 0.5 : 1);
    const result = await new Evaluate({ devset: devset(4), metric, logger: silent }).run(new EchoProgram());
    expect(result.score).toBe(87.5);
  });

  it('runs a real predictor program under the configured LM', async () => {
    const lm = new DummyLM((messages) => ({ answer: messages[messages.length - 1].content.includes('q0') ? 'a0' : 'nope' }));
    const evaluate = new Evaluate({ devset: devset(2), metric: exactAnswer, logger: silent });
    const result = await context({ lm }, () => evaluate.run(new QA()));
    expect(result.score).toBe(50);
    expect(lm.history).toHaveLength(2);
  });

  it('calls the metric with no trace', async () => {
    const received: number[] = [];
    const metric: Metric = (...args: unknown[]) => {
      received.push(args.length);
      return true;
    };
    await new Evaluate({ devset: devset(2), metric, logger: silent }).run(new EchoProgram());
    expect(received).toEqual([2, 2]);
  });

  it('does not record a trace while evaluating', async () => {
    let traceSeen: unknown = 'unset';
    class TraceProbe extends Module {
      async forward(): Promise<Prediction> {
        traceSeen = currentSettings().trace;
        return new Prediction({ answer: 'x' });
      }
    }
    await new Evaluate({ devset: devset(1), metric: () => 1, logger: silent }).run(new TraceProbe());
    expect(traceSeen).toBeUndefined();
  });

  it('never runs more than `concurrency` examples at once', async () => {
    let running = 0;
    let peak = 0;
    class Counting extends Module {
      async forward(): Promise<Prediction> {
        running += 1;
        peak = Math.max(peak, running);
        await Promise.resolve();
        await Promise.resolve();
        running -= 1;
        return new Prediction({ answer: 'x' });
      }
    }
    await new Evaluate({ devset: devset(20), metric: () => 1, concurrency: 3, logger: silent }).run(new Counting());
    expect(peak).toBe(3);
  });

  it('gives a failing example an empty Prediction and failureScore, and keeps going', async () => {
    const evaluate = new Evaluate({ devset: devset(3), metric: exactAnswer, failureScore: 0.25, logger: silent });
    const result = await evaluate.run(new EchoProgram(new Set(), new Set(['q1'])));
    const [, prediction, score] = result.results[1];
    expect(prediction).toBeInstanceOf(Prediction);
    expect(prediction.keys()).toEqual([]);
    expect(score).toBe(0.25);
    expect(result.score).toBe(75);
  });

  it('counts a metric that throws as an error for that example only', async () => {
    const metric: Metric = (example) => {
      if (example.get('question') === 'q0') throw new TypeError('metric bug');
      return true;
    };
    const result = await new Evaluate({ devset: devset(4), metric, logger: silent }).run(new EchoProgram());
    expect(result.results.map(([, , score]) => score)).toEqual([0, true, true, true]);
  });

  it('fails with EVALUATION_FAILED when errors reach maxErrors, and cancels the rest', async () => {
    let started = 0;
    class AlwaysFails extends Module {
      async forward(): Promise<Prediction> {
        started += 1;
        throw new Error('boom');
      }
    }
    const evaluate = new Evaluate({ devset: devset(50), metric: exactAnswer, maxErrors: 3, concurrency: 1, logger: silent });
    const failure = await evaluate.run(new AlwaysFails()).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'EVALUATION_FAILED', details: { errorCount: 3, maxErrors: 3 } });
    expect((failure as Error).cause).toMatchObject({ message: 'boom' });
    expect(started).toBe(3);
  });

  it('aborts in-flight examples when the run stops', async () => {
    const aborted: boolean[] = [];
    class Slow extends Module {
      async forward(inputs: { question: string }, options: { signal?: AbortSignal } = {}): Promise<Prediction> {
        if (inputs.question === 'q0') throw new Error('first fails');
        await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve(), { once: true }));
        aborted.push(options.signal?.aborted === true);
        return new Prediction({ answer: 'late' });
      }
    }
    const evaluate = new Evaluate({ devset: devset(4), metric: exactAnswer, maxErrors: 1, concurrency: 4, logger: silent });
    await expect(evaluate.run(new Slow())).rejects.toMatchObject({ code: 'EVALUATION_FAILED' });
    expect(aborted).toEqual([true, true, true]);
  });

  it('stops at once when the metric returns something other than a number or boolean', async () => {
    const metric = (() => 'yes') as unknown as Metric;
    await expect(new Evaluate({ devset: devset(3), metric, logger: silent }).run(new EchoProgram())).rejects.toMatchObject({
      code: 'EVALUATION_FAILED',
      details: { reason: 'invalidMetricValue', exampleIndex: 0 },
    });
  });

  it('rejects NaN from a metric', async () => {
    await expect(new Evaluate({ devset: devset(1), metric: () => NaN, logger: silent }).run(new EchoProgram())).rejects.toMatchObject({
      code: 'EVALUATION_FAILED',
      details: { reason: 'invalidMetricValue' },
    });
  });

  it("rejects with the caller's signal.reason when cancelled", async () => {
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    let calls = 0;
    class CancelsAfterTwo extends Module {
      async forward(): Promise<Prediction> {
        calls += 1;
        if (calls === 2) controller.abort(reason);
        return new Prediction({ answer: 'x' });
      }
    }
    const evaluate = new Evaluate({ devset: devset(10), metric: () => 1, concurrency: 1, logger: silent });
    await expect(evaluate.run(new CancelsAfterTwo(), { signal: controller.signal })).rejects.toBe(reason);
    expect(calls).toBe(2);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const reason = new Error('already');
    const evaluate = new Evaluate({ devset: devset(2), metric: () => 1, signal: AbortSignal.abort(reason), logger: silent });
    await expect(evaluate.run(new EchoProgram())).rejects.toBe(reason);
  });

  it('takes per-run overrides of devset and metric', async () => {
    const evaluate = new Evaluate({ devset: devset(2), metric: () => 0, logger: silent });
    const result = await evaluate.run(new EchoProgram(), { devset: devset(4), metric: () => 1 });
    expect(result.score).toBe(100);
    expect(result.results).toHaveLength(4);
  });

  describe('bad input', () => {
    it.each([
      ['an empty devset', { devset: [], metric: exactAnswer }, { option: 'devset' }],
      ['a devset item that is not an Example', { devset: [{ question: 'q' }], metric: exactAnswer }, { option: 'devset', index: 0 }],
      ['an example without input keys', { devset: [new Example({ question: 'q' })], metric: exactAnswer }, { option: 'devset', index: 0 }],
      ['a missing metric', { devset: devset(1) }, { option: 'metric' }],
      ['a concurrency of 0', { devset: devset(1), metric: exactAnswer, concurrency: 0 }, { option: 'concurrency' }],
      ['a negative maxErrors', { devset: devset(1), metric: exactAnswer, maxErrors: -1 }, { option: 'maxErrors' }],
      ['an unknown option', { devset: devset(1), metric: exactAnswer, numThreads: 4 }, { option: 'numThreads', suggestion: undefined }],
      ['a near miss of an option name', { devset: devset(1), metric: exactAnswer, concurency: 4 }, { option: 'concurency', suggestion: 'concurrency' }],
      ['a duration-like number that is not whole', { devset: devset(1), metric: exactAnswer, maxErrors: 1.5 }, { option: 'maxErrors' }],
    ])('rejects %s with EVALUATION_FAILED', (_label, options, details) => {
      expect(() => new Evaluate(options as never)).toThrow(expect.objectContaining({ code: 'EVALUATION_FAILED', details: expect.objectContaining(details) }));
    });

    it('rejects an unknown or misspelt run option with EVALUATION_FAILED', async () => {
      const evaluate = new Evaluate({ devset: devset(1), metric: exactAnswer });
      await expect(evaluate.run(new EchoProgram(), { metrc: exactAnswer } as never)).rejects.toMatchObject({
        code: 'EVALUATION_FAILED',
        details: { option: 'metrc', suggestion: 'metric' },
      });
      await expect(evaluate.run(new EchoProgram(), { maxErrors: 3 } as never)).rejects.toMatchObject({
        code: 'EVALUATION_FAILED',
        details: { option: 'maxErrors' },
      });
    });

    it('rejects a program that is not a Module', async () => {
      await expect(new Evaluate({ devset: devset(1), metric: exactAnswer }).run({} as Module)).rejects.toMatchObject({
        code: 'EVALUATION_FAILED',
        details: { option: 'program' },
      });
    });
  });
});
