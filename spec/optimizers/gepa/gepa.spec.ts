import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Evaluate } from '../../../lib/evaluate/evaluate';
import { BaseLM, type BaseLMOptions, type LMCallOptions, type LMOutput } from '../../../lib/lm/base-lm';
import type { ChatMessage } from '../../../lib/lm/chat-message';
import { GEPA, type GEPAOptions } from '../../../lib/optimizers/gepa/gepa';
import { gepaAutoBudget } from '../../../lib/optimizers/gepa/gepa-budget';
import { context, resetSettings } from '../../../lib/settings/settings';
import { DraftAndPolish, QA } from '../../helpers/qa-program';
import { reflectionLM, TASK_RULES, taskExamples, taskLM, taskMetric, type ReflectionLog } from '../../helpers/gepa-task';

const silent = pino({ level: 'silent' });
afterEach(() => resetSettings());

const trainset = taskExamples(6);
const valset = taskExamples(4, 100);

function gepa(options: Partial<GEPAOptions> = {}, log?: ReflectionLog): GEPA {
  return new GEPA({ metric: taskMetric(), reflectionLM: reflectionLM(log), maxMetricCalls: 300, logger: silent, ...options } as GEPAOptions);
}

async function devScore(program: QA): Promise<number> {
  const metric = (example: { get(key: string): unknown }, prediction: { get(key: string): unknown }): boolean =>
    example.get('answer') === prediction.get('answer');
  const { score } = await context({ lm: taskLM() }, () => new Evaluate({ devset: valset, metric, displayProgress: false, logger: silent }).run(program));
  return score;
}

describe('GEPA', () => {
  it('raises the dev score well above the baseline instruction on the simulated task', async () => {
    const student = new QA();
    const before = await devScore(student);
    const compiled = await context({ lm: taskLM() }, () => gepa({ trackStats: true }).compile(student, { trainset, valset }));
    const after = await devScore(compiled);
    expect(before).toBeLessThan(40);
    expect(after).toBeGreaterThanOrEqual(90);
    expect(compiled.optimization.score).toBe(after);
    for (const rule of Object.values(TASK_RULES)) expect(compiled.generate.signature.instructions).toContain(rule);
  });

  it('never exceeds its metric-call budget, whatever the budget', async () => {
    for (const maxMetricCalls of [16, 17, 23, 40, 77, 150]) {
      let calls = 0;
      const base = taskMetric();
      const metric: GEPAOptions['metric'] = (...args) => {
        calls += 1;
        return base(...args);
      };
      const compiled = await context({ lm: taskLM() }, () => gepa({ metric, maxMetricCalls }).compile(new QA(), { trainset, valset }));
      expect(calls).toBeLessThanOrEqual(maxMetricCalls);
      expect(compiled.optimization.metricCalls).toBeLessThanOrEqual(maxMetricCalls);
      expect(compiled.optimization.metricCalls).toBeGreaterThanOrEqual(calls);
    }
  });

  it('keeps a correct Pareto frontier: each frontier candidate is best on the examples it stands for', async () => {
    const compiled = await context({ lm: taskLM() }, () => gepa({ trackStats: true, maxMetricCalls: 200 }).compile(new QA(), { trainset, valset }));
    const { candidates, paretoFront } = compiled.optimization;
    expect(candidates!.length).toBeGreaterThan(1);
    expect(paretoFront).toHaveLength(valset.length);
    paretoFront!.forEach((front, example) => {
      const best = Math.max(...candidates!.map((candidate) => candidate.scores[example]));
      const expected = candidates!.map((candidate, index) => (candidate.scores[example] === best ? index : -1)).filter((index) => index >= 0);
      expect(front).toEqual(expected);
    });
    const onFront = new Set(paretoFront!.flat());
    for (const index of onFront) {
      expect(
        paretoFront!.some(
          (front, example) =>
            front.includes(index) && candidates![index].scores[example] === Math.max(...candidates!.map((candidate) => candidate.scores[example])),
        ),
      ).toBe(true);
    }
    // Every kept candidate after the seed improved on its parent somewhere, so lineage points backwards.
    candidates!.forEach((candidate, index) => candidate.parents.forEach((parent) => expect(parent).toBeLessThan(index)));
  });

  it('uses the feedback text: the same run with empty feedback scores lower', async () => {
    const withFeedback = await context({ lm: taskLM() }, () => gepa().compile(new QA(), { trainset, valset }));
    const withoutFeedback = await context({ lm: taskLM() }, () => gepa({ metric: taskMetric({ hasFeedback: false }) }).compile(new QA(), { trainset, valset }));
    expect(withFeedback.optimization.score).toBeGreaterThanOrEqual(withoutFeedback.optimization.score + 30);
  });

  it('is deterministic for a seed and varies with it', async () => {
    const run = (seed: number): Promise<string[]> =>
      context({ lm: taskLM() }, async () => {
        const log: ReflectionLog = { prompts: [] };
        await gepa({ seed, maxMetricCalls: 120 }, log).compile(new QA(), { trainset, valset });
        return log.prompts;
      });
    const first = await run(3);
    expect(await run(3)).toEqual(first);
    expect(await run(4)).not.toEqual(first);
  });

  it('returns a new compiled program, leaves the student unchanged, and round-trips save/load', async () => {
    const student = new QA();
    const original = student.generate.signature.instructions;
    const compiled = await context({ lm: taskLM() }, () => gepa().compile(student, { trainset, valset }));
    expect(compiled).not.toBe(student);
    expect(compiled.compiled).toBe(true);
    expect(student.compiled).toBe(false);
    expect(student.generate.signature.instructions).toBe(original);
    const directory = await mkdtemp(path.join(tmpdir(), 'gepa-'));
    try {
      await compiled.save(path.join(directory, 'program.json'));
      const loaded = await new QA().load(path.join(directory, 'program.json'));
      expect(loaded.generate.signature.instructions).toBe(compiled.generate.signature.instructions);
      expect(await devScore(loaded)).toBe(await devScore(compiled));
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('counts LM calls and metric calls in compiled.optimization', async () => {
    const log: ReflectionLog = { prompts: [] };
    const compiled = await context({ lm: taskLM() }, () => gepa({ maxMetricCalls: 100 }, log).compile(new QA(), { trainset, valset }));
    const { lmCalls, metricCalls, usage } = compiled.optimization;
    // One predictor call per example run, plus one reflection call per proposal.
    expect(lmCalls).toBe(metricCalls + log.prompts.length);
    expect(usage).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: null });
  });

  it('mutates the best candidate with candidateSelectionStrategy current_best', async () => {
    const compiled = await context({ lm: taskLM() }, () =>
      gepa({ candidateSelectionStrategy: 'current_best', trackStats: true }).compile(new QA(), { trainset, valset }),
    );
    const candidates = compiled.optimization.candidates!;
    // Each new candidate's parent was the best one so far when it was proposed.
    candidates.slice(1).forEach((candidate, offset) => {
      const index = offset + 1;
      if (candidate.parents.length !== 1) return;
      const earlier = candidates.slice(0, index).map((item) => item.score);
      expect(candidate.parents[0]).toBe(earlier.indexOf(Math.max(...earlier)));
    });
    expect(compiled.optimization.score).toBeGreaterThanOrEqual(90);
  });

  it('rejects with the caller reason when aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const metric: GEPAOptions['metric'] = (...args) => {
      controller.abort(reason);
      return taskMetric()(...args);
    };
    await expect(context({ lm: taskLM() }, () => gepa({ metric }).compile(new QA(), { trainset, valset, signal: controller.signal }))).rejects.toBe(reason);
  });

  it('runs at most `concurrency` examples at once (DSPy num_threads)', async () => {
    /** The task LM, answering on a later turn of the event loop while counting calls in flight. */
    class CountingInFlightLM extends BaseLM {
      inFlight = 0;
      maxInFlight = 0;
      readonly inner = taskLM();
      constructor() {
        super('in-flight', { cache: false });
      }
      async forward(messages: readonly ChatMessage[], options: LMCallOptions): Promise<LMOutput> {
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        this.inFlight -= 1;
        return this.inner.forward(messages, options);
      }
      copy(_overrides?: Partial<BaseLMOptions>): BaseLM {
        return this;
      }
    }
    const lm = new CountingInFlightLM();
    await context({ lm }, () => gepa({ concurrency: 2, maxMetricCalls: 60 }).compile(new QA(), { trainset, valset }));
    expect(lm.maxInFlight).toBe(2);
    const wide = new CountingInFlightLM();
    await context({ lm: wide }, () => gepa({ maxMetricCalls: 60 }).compile(new QA(), { trainset, valset }));
    expect(wide.maxInFlight).toBe(valset.length);
  });

  it('computes the auto budget as DSPy does', async () => {
    let calls = 0;
    const base = taskMetric();
    const metric: GEPAOptions['metric'] = (...args) => {
      calls += 1;
      return base(...args);
    };
    const compiled = await context({ lm: taskLM() }, () =>
      new GEPA({ metric, reflectionLM: reflectionLM(), auto: 'light', logger: silent }).compile(new QA(), { trainset, valset }),
    );
    // DSPy: auto_budget(num_preds=1, num_candidates=6, valset_size=16) == 16 + 30 + 10 * 35 + 3 * 16 = 444.
    expect(compiled.optimization.metricCalls).toBeLessThanOrEqual(444);
    expect(compiled.optimization.metricCalls).toBeGreaterThan(444 - 2 * 3 - 16);
    expect(calls).toBeLessThanOrEqual(444);
  });
});

describe('gepaAutoBudget', () => {
  it('matches DSPy auto_budget values computed in Python', () => {
    // Python: GEPA.auto_budget(num_preds, num_candidates, valset_size) from dspy/teleprompt/gepa/gepa.py.
    expect(gepaAutoBudget(1, 6, 16)).toBe(444);
    expect(gepaAutoBudget(3, 12, 100)).toBe(2565);
    expect(gepaAutoBudget(2, 18, 7)).toBe(1301);
    expect(gepaAutoBudget(1, 6, 0)).toBe(380);
  });
});

describe('GEPA options', () => {
  const base = { metric: taskMetric(), reflectionLM: reflectionLM() };

  it.each([
    [{ ...base }, 'auto'],
    [{ ...base, auto: 'light', maxMetricCalls: 10 }, 'maxMetricCalls'],
    [{ metric: taskMetric(), maxMetricCalls: 10 }, 'reflectionLM'],
    [{ ...base, maxMetricCalls: 10, candidateSelectionStrategy: 'best' }, 'candidateSelectionStrategy'],
    [{ ...base, maxMetricCalls: 10, reflectionMinibatchSize: 0 }, 'reflectionMinibatchSize'],
    [{ ...base, maxMetricCalls: 10, useMerges: true }, 'useMerges'],
    [{ ...base, auto: 'huge' }, 'auto'],
    [{ ...base, maxMetricCalls: 10, maxErrors: 3 }, 'maxErrors'],
    [{ ...base, maxMetricCalls: 10, concurrency: 0 }, 'concurrency'],
  ])('rejects %p with OPTIMIZER_INVALID naming %s', (options, option) => {
    expect(() => new GEPA(options as unknown as GEPAOptions)).toThrow(
      expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: expect.objectContaining({ option }) }),
    );
  });

  it('rejects a budget that cannot score the valset once, and a teacher', async () => {
    await expect(new GEPA({ ...base, maxMetricCalls: 10, logger: silent }).compile(new QA(), { trainset, valset })).rejects.toMatchObject({
      code: 'OPTIMIZER_INVALID',
      details: { option: 'maxMetricCalls' },
    });
    await expect(new GEPA({ ...base, maxMetricCalls: 100, logger: silent }).compile(new QA(), { trainset, valset, teacher: new QA() })).rejects.toMatchObject({
      code: 'OPTIMIZER_INVALID',
      details: { option: 'teacher' },
    });
  });

  it('rejects a metric returning neither a number, a boolean nor { score, feedback }', async () => {
    const metric = (() => 'good') as unknown as GEPAOptions['metric'];
    await expect(
      context({ lm: taskLM() }, () => new GEPA({ ...base, metric, maxMetricCalls: 100, logger: silent }).compile(new QA(), { trainset, valset })),
    ).rejects.toMatchObject({ code: 'EVALUATION_FAILED' });
  });
});

describe('GEPA on a two-predictor program', () => {
  it('reflects on each predictor in turn and merges descendants that improved different predictors', async () => {
    const log: ReflectionLog = { prompts: [] };
    const student = new DraftAndPolish();
    const compiled = await context({ lm: taskLM() }, () =>
      gepa({ trackStats: true, maxMetricCalls: 400, seed: 1 }, log).compile(student, { trainset, valset }),
    );
    const draftInstruction = student.draft.signature.instructions;
    const polishInstruction = student.polish.signature.instructions;
    // Round robin from the seed: the first reflection is on `draft`, the next one on the seed (if chosen again) on `polish`.
    expect(log.prompts[0]).toContain(draftInstruction);
    expect(log.prompts.some((prompt) => prompt.includes(polishInstruction))).toBe(true);
    const candidates = compiled.optimization.candidates!;
    expect(candidates.some((candidate) => candidate.parents.length === 2)).toBe(true);
    expect(compiled.optimization.score).toBeGreaterThanOrEqual(90);
  });
});
