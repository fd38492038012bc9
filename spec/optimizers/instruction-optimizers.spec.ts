import { Writable } from 'node:stream';
import { IsIn } from 'class-validator';
import pino from 'pino';
import { Parameter, Predictor } from '../../lib/decorators';
import { Evaluate } from '../../lib/evaluate/evaluate';
import { BaseLM, type BaseLMOptions, type LMCallOptions, type LMOutput } from '../../lib/lm/base-lm';
import type { ChatMessage } from '../../lib/lm/chat-message';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { COPRO } from '../../lib/optimizers/copro';
import { GEPA } from '../../lib/optimizers/gepa/gepa';
import type { GEPAMetric } from '../../lib/optimizers/gepa/gepa-metric';
import type { OptimizationSummary } from '../../lib/optimizers/instruction-optimizer-options';
import { MIPROv2 } from '../../lib/optimizers/mipro-v2';
import { ParameterSearch } from '../../lib/optimizers/parameter-search';
import type { Predict } from '../../lib/predict/predict';
import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { context, resetSettings, type TraceEntry } from '../../lib/settings/settings';
import {
  Categorize,
  categoryFeedback,
  categoryMatch,
  makeExamples,
  makePromptLM,
  makeReflectionLM,
  makeTaskLM,
  rulesStated,
} from '../../examples/optimizers-instruction-task';

/**
 * What COPRO, MIPROv2 and GEPA share (issue 13 items 4 and 5), checked on all three with the
 * simulated instruction task: usage totals, progress records, mid-run cancellation, and
 * ParameterSearch running alongside.
 */
const silent = pino({ level: 'silent' });
afterEach(() => resetSettings());

const trainset = makeExamples(60);
const valset = makeExamples(60, 1000);
const devset = makeExamples(100, 2000);

type Optimizer = 'COPRO' | 'MIPROv2' | 'GEPA';
const OPTIMIZERS: Optimizer[] = ['COPRO', 'MIPROv2', 'GEPA'];

/** Each optimizer with a small budget; `promptModel` proposes (COPRO, MIPROv2) or reflects (GEPA). */
function compile<T extends Module>(
  kind: Optimizer,
  student: T,
  extra: { promptModel?: BaseLM; logger?: pino.Logger; signal?: AbortSignal } = {},
): Promise<T & { optimization: OptimizationSummary }> {
  const logger = extra.logger ?? silent;
  if (kind === 'COPRO') {
    const copro = new COPRO({ metric: categoryMatch, breadth: 4, depth: 2, promptModel: extra.promptModel ?? makePromptLM(1), displayProgress: false, logger });
    return copro.compile(student, { trainset: trainset.slice(0, 20), signal: extra.signal });
  }
  if (kind === 'MIPROv2') {
    const mipro = new MIPROv2({
      metric: categoryMatch,
      auto: null,
      numCandidates: 3,
      numTrials: 6,
      minibatchSize: 20,
      promptModel: extra.promptModel ?? makePromptLM(1),
      displayProgress: false,
      logger,
    });
    return mipro.compile(student, { trainset, valset, signal: extra.signal });
  }
  const reflectionLM = extra.promptModel ?? makeReflectionLM();
  const gepa = new GEPA({ metric: categoryFeedback, reflectionLM, maxMetricCalls: 200, logger });
  return gepa.compile(student, { trainset, valset: valset.slice(0, 20), signal: extra.signal });
}

/** Another LM's answers, reporting 10 prompt and 2 completion tokens per call, priced at 1 per token. */
class TokenLM extends BaseLM {
  constructor(readonly inner: BaseLM) {
    super('token-lm', { cache: false, pricing: { inputPerMillion: 1e6, outputPerMillion: 1e6 } });
  }

  async forward(messages: readonly ChatMessage[], options: LMCallOptions): Promise<LMOutput> {
    const output = await this.inner.forward(messages, options);
    return { outputs: output.outputs, usage: { promptTokens: 10, completionTokens: 2, totalTokens: 12 } };
  }

  copy(overrides: Partial<BaseLMOptions> = {}): TokenLM {
    return new TokenLM(this.inner.copy(overrides));
  }
}

/** A categorizer with a scalar parameter: what to answer when the model says "unknown". */
class GuessingCategorize extends Module {
  @Predictor('question -> answer') classify!: Predict;
  @Parameter({ description: 'the answer given when the model is unsure' }) @IsIn(['unknown', 'fruit']) fallback = 'unknown';

  async forward(inputs: { question: string }): Promise<Prediction> {
    const prediction = await this.classify.forward(inputs);
    return prediction.answer === 'unknown' ? new Prediction({ answer: this.fallback }) : prediction;
  }
}

describe.each(OPTIMIZERS)('%s', (kind) => {
  it('reports the usage of every LM call of the compile, task and proposal or reflection LM alike', async () => {
    const compiled = await context({ lm: new TokenLM(makeTaskLM()) }, () =>
      compile(kind, new Categorize(), { promptModel: new TokenLM(kind === 'GEPA' ? makeReflectionLM() : makePromptLM(1)) }),
    );
    const { lmCalls, metricCalls, usage } = compiled.optimization;
    expect(metricCalls).toBeGreaterThan(0);
    expect(lmCalls).toBeGreaterThan(0);
    // Every call counted in lmCalls reported its tokens once (no cache).
    expect(usage).toEqual({ promptTokens: 10 * lmCalls, completionTokens: 2 * lmCalls, totalTokens: 12 * lmCalls, cost: 12 * lmCalls });
  });

  it('writes progress records with the best score so far to its logger when no terminal is attached', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().trim().split('\n'));
        done();
      },
    });
    const logger = pino({ level: 'info' }, stream);
    const compiled = await context({ lm: makeTaskLM() }, () => compile(kind, new Categorize(), { logger }));
    const steps = lines
      .map((line) => JSON.parse(line) as { msg: string; step: number; total: number; bestScore?: number })
      .filter((record) => record.msg === 'optimizer step');
    expect(steps.length).toBeGreaterThan(1);
    const best = steps.map((record) => record.bestScore ?? 0);
    best.slice(1).forEach((score, index) => expect(score).toBeGreaterThanOrEqual(best[index]));
    expect(steps.at(-1)!.step).toBeLessThanOrEqual(steps.at(-1)!.total);
    expect(Math.max(...best)).toBeGreaterThanOrEqual(compiled.optimization.score);
  });

  it("stops mid-run with the caller's signal.reason and leaves the student unchanged", async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const base = makeTaskLM();
    let calls = 0;
    const taskLM = new DummyLM((messages) => {
      calls += 1;
      if (calls === 30) controller.abort(reason);
      return base.forward(messages, {}).then((output) => output.outputs[0]);
    });
    const student = new Categorize();
    const original = student.dumpState();
    await expect(context({ lm: taskLM }, () => compile(kind, student, { signal: controller.signal }))).rejects.toBe(reason);
    expect(student.dumpState()).toEqual(original);
  });

  const score = async (program: Module): Promise<number> =>
    context(
      { lm: makeTaskLM() },
      async () => (await new Evaluate({ devset, metric: categoryMatch, displayProgress: false, logger: silent }).run(program)).score,
    );
  const searchParameters = <T extends Module>(program: T): Promise<T> =>
    context({ lm: makeTaskLM() }, () =>
      new ParameterSearch({ metric: categoryMatch, strategy: 'grid', displayProgress: false, logger: silent }).compile(program, {
        trainset: trainset.slice(0, 40),
      }),
    );

  it('runs alongside ParameterSearch: after it, ParameterSearch tunes the scalar parameter and keeps the instruction; both are saved', async () => {
    const compiled = await context({ lm: makeTaskLM() }, () => compile(kind, new GuessingCategorize()));
    expect(compiled.fallback).toBe('unknown');
    const searched = await searchParameters(compiled);
    expect(searched.fallback).toBe('fruit');
    expect(searched.classify.signature.instructions).toBe(compiled.classify.signature.instructions);
    expect(searched.classify.demos).toEqual(compiled.classify.demos);
    expect(await score(searched)).toBeGreaterThan(await score(compiled));
    const loaded = new GuessingCategorize();
    loaded.loadState(searched.dumpState());
    expect(loaded.fallback).toBe('fruit');
    expect(loaded.classify.signature.instructions).toBe(compiled.classify.signature.instructions);
  });

  if (kind === 'MIPROv2') {
    it('rejects a compiled student up front, naming itself (it bootstraps demos, which DSPy does only from an uncompiled student)', async () => {
      const searched = await searchParameters(new GuessingCategorize());
      await expect(context({ lm: makeTaskLM() }, () => compile(kind, searched))).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        message: expect.stringMatching(/^MIPROv2: the student is already compiled/),
      });
    });
  } else {
    it('runs alongside ParameterSearch: before it, the tuned parameter stays and the instruction is rewritten', async () => {
      const searched = await searchParameters(new GuessingCategorize());
      expect(searched.fallback).toBe('fruit');
      const compiled = await context({ lm: makeTaskLM() }, () => compile(kind, searched));
      expect(compiled.fallback).toBe('fruit');
      expect(rulesStated(compiled.classify.signature.instructions)).toBeGreaterThanOrEqual(1);
      expect(searched.classify.signature.instructions).toBe(new GuessingCategorize().classify.signature.instructions);
      expect(await score(compiled)).toBeGreaterThan(await score(searched));
    });
  }
});

describe('GEPA metric calls', () => {
  it('passes predName and predTrace (the predictor call the feedback is about) when reflecting, and neither on the valset', async () => {
    const calls: { predName?: string; predTrace?: readonly TraceEntry[]; trace?: readonly TraceEntry[] }[] = [];
    const metric: GEPAMetric = (example, prediction, trace, predName, predTrace) => {
      calls.push({ predName, predTrace, trace });
      return categoryFeedback(example, prediction, trace, predName, predTrace);
    };
    const gepa = new GEPA({ metric, reflectionLM: makeReflectionLM(), maxMetricCalls: 60, logger: silent });
    await context({ lm: makeTaskLM() }, () => gepa.compile(new Categorize(), { trainset, valset: valset.slice(0, 20) }));
    // The first 20 calls score the student on the valset: no predictor asked about.
    expect(calls.slice(0, 20).every((call) => call.predName === undefined && call.predTrace === undefined)).toBe(true);
    const reflective = calls.filter((call) => call.predName !== undefined);
    expect(reflective.length).toBeGreaterThan(0);
    for (const call of reflective) {
      expect(call.predName).toBe('classify');
      expect(call.predTrace).toHaveLength(1);
      expect(call.trace).toContain(call.predTrace![0]);
      expect(call.predTrace![0].inputs).toEqual({ question: expect.stringMatching(/^What category is item \d+\?$/) });
    }
  });
});
