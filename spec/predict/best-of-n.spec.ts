import { Writable } from 'node:stream';
import pino from 'pino';
import { LMHttpError } from '../../lib/errors';
import type { LMCallOptions } from '../../lib/lm/base-lm';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { BestOfN } from '../../lib/predict/best-of-n';
import { ChainOfThought } from '../../lib/predict/chain-of-thought';
import { Predict } from '../../lib/predict/predict';
import { Module } from '../../lib/primitives/module';
import type { Prediction } from '../../lib/primitives/prediction';
import { configure, context, resetSettings, type TraceEntry } from '../../lib/settings/settings';

afterEach(() => resetSettings());

const oneWord = (_inputs: Readonly<Record<string, unknown>>, prediction: Prediction): number =>
  String(prediction.answer).trim().split(/\s+/).length === 1 ? 1 : 0;

/** A DummyLM replying from `answers` in order and recording each call's options (rollout copies share the script). */
function recordingLM(answers: Record<string, unknown>[], options: Record<string, unknown> = {}): { lm: DummyLM; calls: LMCallOptions[] } {
  const calls: LMCallOptions[] = [];
  const lm = new DummyLM((_messages, callOptions) => {
    calls.push(callOptions);
    return answers[calls.length - 1] ?? { answer: 'No more responses' };
  }, options);
  return { lm, calls };
}

/** A module that fails its first `failures` runs (the count lives outside, since every attempt runs on a copy). */
function flakyModule(failures: number, error: () => unknown = () => new Error('flaky')): { module: Module; runs: { count: number } } {
  const runs = { count: 0 };
  class Flaky extends Module {
    predict = new Predict('question -> answer');
    async forward(inputs: Record<string, unknown>): Promise<Prediction> {
      runs.count += 1;
      if (runs.count <= failures) throw error();
      return this.predict.forward(inputs);
    }
  }
  return { module: new Flaky(), runs };
}

function silentLogger(): pino.Logger {
  return pino({ level: 'silent' });
}

describe('BestOfN', () => {
  it('returns the first prediction that reaches the threshold and stops there', async () => {
    const { lm, calls } = recordingLM([{ answer: 'It is Brussels' }, { answer: 'Brussels' }, { answer: 'Ghent' }]);
    configure({ lm });
    const best = new BestOfN(new Predict('question -> answer'), { n: 3, rewardFn: oneWord, threshold: 1 });
    const prediction = await best.forward({ question: 'Capital of Belgium?' });
    expect(prediction.answer).toBe('Brussels');
    expect(calls).toHaveLength(2);
  });

  it('runs each attempt on an LM copy at temperature 1.0 with rollout ids start + i', async () => {
    const { lm, calls } = recordingLM([{ answer: 'a b' }, { answer: 'c d' }, { answer: 'e f' }], { rolloutId: 5, temperature: 0 });
    configure({ lm });
    await new BestOfN(new Predict('question -> answer'), { n: 3, rewardFn: oneWord, threshold: 1 }).forward({ question: 'q' });
    expect(calls.map((options) => [options.rolloutId, options.temperature])).toEqual([
      [5, 1],
      [6, 1],
      [7, 1],
    ]);
    expect(lm.options).toMatchObject({ rolloutId: 5, temperature: 0 });
  });

  it('returns the highest reward (the earliest on a tie) when none reaches the threshold', async () => {
    const lengthReward = (_inputs: unknown, prediction: Prediction): number => String(prediction.answer).length;
    configure({ lm: recordingLM([{ answer: 'aa' }, { answer: 'aaaa' }, { answer: 'bbbb' }]).lm });
    const prediction = await new BestOfN(new Predict('question -> answer'), { n: 3, rewardFn: lengthReward, threshold: 100 }).forward({ question: 'q' });
    expect(prediction.answer).toBe('aaaa');
  });

  it('leaves the wrapped module untouched (attempts run on deep copies)', async () => {
    configure({ lm: recordingLM([{ answer: 'x' }]).lm });
    const inner = new Predict('question -> answer');
    await new BestOfN(inner, { n: 1, rewardFn: oneWord, threshold: 1 }).forward({ question: 'q' });
    expect(inner.lm).toBeUndefined();
  });

  it("adds only the chosen attempt's trace to the caller's trace", async () => {
    const trace: TraceEntry[] = [];
    const { lm } = recordingLM([{ answer: 'two words' }, { answer: 'one' }]);
    const best = new BestOfN(new Predict('question -> answer'), { n: 2, rewardFn: oneWord, threshold: 1 });
    await context({ lm, trace }, () => best.forward({ question: 'q' }));
    expect(trace).toHaveLength(1);
    expect((trace[0].prediction as Prediction).answer).toBe('one');
  });

  it('accepts boolean and async rewards', async () => {
    configure({ lm: recordingLM([{ answer: 'two words' }, { answer: 'one' }]).lm });
    const rewardFn = async (_inputs: unknown, prediction: Prediction): Promise<boolean> => prediction.answer === 'one';
    const prediction = await new BestOfN(new Predict('question -> answer'), { n: 2, rewardFn, threshold: 1 }).forward({ question: 'q' });
    expect(prediction.answer).toBe('one');
  });

  describe('introspection and state', () => {
    it("names the wrapped module's predictors under module.", () => {
      const best = new BestOfN(new ChainOfThought('question -> answer'), { n: 2, rewardFn: oneWord, threshold: 1 });
      expect(best.namedPredictors().map(([name]) => name)).toEqual(['module.predict']);
    });

    it('round-trips dumpState/loadState', () => {
      const source = new BestOfN(new ChainOfThought('question -> answer'), { n: 2, rewardFn: oneWord, threshold: 1 });
      (source.module as ChainOfThought).predict.demos = [{ question: 'q', reasoning: 'r', answer: 'a' }];
      const target = new BestOfN(new ChainOfThought('question -> answer'), { n: 2, rewardFn: oneWord, threshold: 1 }).loadState(source.dumpState());
      expect(target.dumpState()).toEqual(source.dumpState());
      expect((target.module as ChainOfThought).predict.demos).toEqual([{ question: 'q', reasoning: 'r', answer: 'a' }]);
    });
  });

  describe('failures', () => {
    it('skips a failed attempt and returns a later one', async () => {
      configure({ lm: recordingLM([{ answer: 'one' }]).lm });
      const { module, runs } = flakyModule(1);
      const prediction = await new BestOfN(module, { n: 3, rewardFn: oneWord, threshold: 1, logger: silentLogger() }).forward({ question: 'q' });
      expect(prediction.answer).toBe('one');
      expect(runs.count).toBe(2);
    });

    it("rethrows a dspex error once failures break DSPy's failCount rule (attempt index > remaining)", async () => {
      configure({ lm: recordingLM([]).lm });
      const { module, runs } = flakyModule(10, () => new LMHttpError('server down', { status: 503 }));
      await expect(
        new BestOfN(module, { n: 5, rewardFn: oneWord, threshold: 1, failCount: 1, logger: silentLogger() }).forward({ question: 'q' }),
      ).rejects.toMatchObject({ code: 'LM_HTTP' });
      expect(runs.count).toBe(2);
    });

    it('wraps a non-dspex error in EVALUATION_FAILED with the cause when it is rethrown', async () => {
      configure({ lm: recordingLM([]).lm });
      const thrown = new Error('flaky');
      const { module } = flakyModule(10, () => thrown);
      await expect(
        new BestOfN(module, { n: 2, rewardFn: oneWord, threshold: 1, failCount: 0, logger: silentLogger() }).forward({ question: 'q' }),
      ).rejects.toMatchObject({
        code: 'EVALUATION_FAILED',
        cause: thrown,
      });
    });

    it('rejects with EVALUATION_FAILED when every attempt failed within the budget (DSPy returns None)', async () => {
      configure({ lm: recordingLM([]).lm });
      const { module, runs } = flakyModule(10);
      await expect(new BestOfN(module, { n: 1, rewardFn: oneWord, threshold: 1, logger: silentLogger() }).forward({ question: 'q' })).rejects.toMatchObject({
        code: 'EVALUATION_FAILED',
        details: { attempts: 1 },
      });
      expect(runs.count).toBe(1);
    });

    it('counts a throwing reward function as a failed attempt', async () => {
      configure({ lm: recordingLM([{ answer: 'one' }, { answer: 'two' }]).lm });
      let rewards = 0;
      const rewardFn = (_inputs: unknown, prediction: Prediction): number => {
        rewards += 1;
        if (rewards === 1) throw new Error('judge crashed');
        return prediction.answer === 'two' ? 1 : 0;
      };
      const prediction = await new BestOfN(new Predict('question -> answer'), { n: 2, rewardFn, threshold: 1, logger: silentLogger() }).forward({
        question: 'q',
      });
      expect(prediction.answer).toBe('two');
    });

    it('counts a reward that is not a number as a failed attempt', async () => {
      configure({ lm: recordingLM([{ answer: 'one' }]).lm });
      const rewardFn = (() => 'great') as never;
      await expect(
        new BestOfN(new Predict('question -> answer'), { n: 1, rewardFn, threshold: 1, failCount: 0, logger: silentLogger() }).forward({ question: 'q' }),
      ).rejects.toMatchObject({
        code: 'EVALUATION_FAILED',
      });
    });

    it('logs a warning per failed attempt', async () => {
      const records: Record<string, unknown>[] = [];
      const stream = new Writable({
        write(chunk, _encoding, done) {
          records.push(JSON.parse(String(chunk)) as Record<string, unknown>);
          done();
        },
      });
      configure({ lm: recordingLM([{ answer: 'one' }]).lm });
      await new BestOfN(flakyModule(1).module, { n: 2, rewardFn: oneWord, threshold: 1, logger: pino(stream) }).forward({ question: 'q' });
      expect(records).toEqual([expect.objectContaining({ level: 40, component: 'best-of-n', attempt: 1, rolloutId: 0, msg: 'attempt failed' })]);
    });

    it("rejects with the caller's reason when aborted, starting no further attempt", async () => {
      configure({ lm: recordingLM([{ answer: 'a b' }, { answer: 'c d' }]).lm });
      const controller = new AbortController();
      const reason = new Error('stop');
      const rewardFn = (): number => {
        controller.abort(reason);
        return 0;
      };
      const { module, runs } = flakyModule(0);
      await expect(new BestOfN(module, { n: 3, rewardFn, threshold: 1 }).forward({ question: 'q' }, { signal: controller.signal })).rejects.toBe(reason);
      expect(runs.count).toBe(1);
    });

    it('fails with LM_NOT_CONFIGURED when there is no LM to copy', async () => {
      await expect(new BestOfN(new Predict('question -> answer'), { n: 2, rewardFn: oneWord, threshold: 1 }).forward({ question: 'q' })).rejects.toMatchObject({
        code: 'LM_NOT_CONFIGURED',
      });
    });
  });

  it('runs its attempts on copies of a per-call lm instead of the configured one', async () => {
    const configured = recordingLM([{ answer: 'configured' }]);
    const perCall = recordingLM([{ answer: 'two words' }, { answer: 'Brussels' }], { rolloutId: 2 });
    configure({ lm: configured.lm });
    const prediction = await new BestOfN(new Predict('question -> answer'), { n: 3, rewardFn: oneWord, threshold: 1 }).forward(
      { question: 'q' },
      { lm: perCall.lm },
    );
    expect(prediction.answer).toBe('Brussels');
    expect(configured.calls).toHaveLength(0);
    expect(perCall.calls.map((options) => [options.rolloutId, options.temperature])).toEqual([
      [2, 1],
      [3, 1],
    ]);
  });

  describe('bad configuration', () => {
    const module = new Predict('question -> answer');
    it.each([
      ['n = 0', { n: 0, rewardFn: oneWord, threshold: 1 }],
      ['n = -2', { n: -2, rewardFn: oneWord, threshold: 1 }],
      ['no reward function', { n: 2, threshold: 1 }],
      ['no threshold', { n: 2, rewardFn: oneWord }],
      ['a negative failCount', { n: 2, rewardFn: oneWord, threshold: 1, failCount: -1 }],
      ['an unknown option', { N: 2, n: 2, rewardFn: oneWord, threshold: 1 }],
    ])('rejects %s with CONFIGURATION_INVALID', (_label, options) => {
      expect(() => new BestOfN(module, options as never)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
    });

    it('rejects something that is not a module with CONFIGURATION_INVALID', () => {
      expect(() => new BestOfN({ forward: () => undefined } as never, { n: 2, rewardFn: oneWord, threshold: 1 })).toThrow(
        expect.objectContaining({ code: 'CONFIGURATION_INVALID' }),
      );
    });

    it('names an unknown option, and a near miss with a did-you-mean', () => {
      expect(() => new BestOfN(module, { n: 2, rewardFn: oneWord, threshold: 1, verbose: true } as never)).toThrow(
        expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: { option: 'verbose', suggestion: undefined } }),
      );
      expect(() => new BestOfN(module, { n: 2, rewardFn: oneWord, treshold: 1 } as never)).toThrow(
        expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: { option: 'treshold', suggestion: 'threshold' } }),
      );
    });

    it('rejects a per-call option it does not know instead of ignoring it', async () => {
      const best = new BestOfN(module, { n: 2, rewardFn: oneWord, threshold: 1 });
      await expect(best.forward({ question: 'q' }, { lmm: new DummyLM([]) } as never)).rejects.toMatchObject({
        code: 'CONFIGURATION_INVALID',
        details: { option: 'lmm', suggestion: 'lm' },
      });
      await expect(best.forward({ question: 'q' }, { lm: 'gpt-4' } as never)).rejects.toMatchObject({
        code: 'CONFIGURATION_INVALID',
        details: { option: 'lm' },
      });
    });
  });
});
