import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Evaluate } from '../../lib/evaluate/evaluate';
import type { Metric } from '../../lib/evaluate/metric';
import { DummyLM } from '../../lib/lm/dummy-lm';
import type { ChatMessage } from '../../lib/lm/chat-message';
import { BootstrapFewShot } from '../../lib/optimizers/bootstrap-few-shot';
import { Example } from '../../lib/primitives/example';
import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { context, resetSettings, type TraceEntry } from '../../lib/settings/settings';
import { FACTS, demoAwareLM, factExamples } from '../helpers/demo-aware-lm';
import { DraftAndPolish, QA, exactAnswer } from '../helpers/qa-program';

const silent = pino({ level: 'silent' });
const quiet = { logger: silent, displayProgress: false };
afterEach(() => resetSettings());

const QUESTION = /\[\[ ## question ## \]\]\n([^\n]*)/;
const finalQuestion = (messages: readonly ChatMessage[]): string => QUESTION.exec(messages[messages.length - 1].content)?.[1] ?? '';

describe('BootstrapFewShot', () => {
  it('turns successful teacher runs into augmented demos and improves the program', async () => {
    const trainset = factExamples();
    const lm = demoAwareLM();
    const student = new QA();
    const optimizer = new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 3, maxLabeledDemos: 3, ...quiet });
    const compiled = await context({ lm }, () => optimizer.compile(student, { trainset }));
    // The teacher's labeled demos are Random(0).sample(trainset, 3) = positions 6, 11, 0 (geography, colour, geography),
    // so positions 0 (geography), 1 (arithmetic: fails), 2 (colour) and 3 (geography) give the three traces.
    expect(compiled.generate.demos.map((demo) => (demo as Example).toJSON())).toEqual([
      { augmented: true, question: trainset[0].question, answer: 'Paris' },
      { augmented: true, question: trainset[2].question, answer: 'blue' },
      { augmented: true, question: trainset[3].question, answer: 'Berlin' },
    ]);
    const evaluate = new Evaluate({ devset: trainset, metric: exactAnswer, logger: silent });
    const [before, after] = await context({ lm }, () => Promise.all([evaluate.run(student), evaluate.run(compiled)]));
    expect(before.score).toBe(0);
    expect(after.score).toBe(66.67);
  });

  it('fills the remaining slots with labeled examples that gave no trace', async () => {
    const compiled = await context({ lm: demoAwareLM() }, () =>
      new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 3, maxLabeledDemos: 5, ...quiet }).compile(new QA(), { trainset: factExamples() }),
    );
    const demos = compiled.generate.demos as Example[];
    expect(demos.map((demo) => demo.get('augmented') === true)).toEqual([true, true, true, false, false]);
    expect(demos.slice(3).every((demo) => demo.inputKeys !== undefined)).toBe(true);
  });

  it('removes the example from the teacher demos while the teacher runs on it', async () => {
    const trainset = factExamples();
    const lm = demoAwareLM();
    await context({ lm }, () =>
      new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 12, maxLabeledDemos: 3, ...quiet }).compile(new QA(), { trainset }),
    );
    const teacherDemoQuestions = new Set([trainset[6], trainset[11], trainset[0]].map((example) => example.question));
    for (const call of lm.history) {
      const question = finalQuestion(call.messages);
      const demoQuestions = call.messages
        .slice(0, -1)
        .map((message) => (message.role === 'user' ? QUESTION.exec(message.content)?.[1] : undefined))
        .filter(Boolean);
      expect(demoQuestions).not.toContain(question);
      expect(demoQuestions).toHaveLength(teacherDemoQuestions.has(question) ? 2 : 3);
    }
  });

  it('passes each run its own trace, even when runs overlap', async () => {
    const trainset = factExamples();
    const order = trainset.map((example) => example.question as string);
    // Later examples finish first: the runs interleave without any timer.
    const lm = new DummyLM(async (messages) => {
      const question = finalQuestion(messages);
      for (let tick = 0; tick < (order.length - order.indexOf(question)) * 3; tick += 1) await Promise.resolve();
      return { answer: FACTS[question].answer, draft: 'unused' };
    });
    const seen: [string, string[]][] = [];
    const metric: Metric = (example, _prediction, trace) => {
      seen.push([example.question as string, (trace ?? []).map((entry: TraceEntry) => entry.inputs.question as string)]);
      return true;
    };
    await context({ lm }, () =>
      new BootstrapFewShot({ metric, maxBootstrappedDemos: 12, maxLabeledDemos: 0, concurrency: 6, ...quiet }).compile(new DraftAndPolish(), { trainset }),
    );
    expect(seen).toHaveLength(12);
    for (const [question, traced] of seen) expect(traced).toEqual([question, question]);
    expect(seen.map(([question]) => question)).not.toEqual(order);
  });

  it('gives each predictor the demos of its own step', async () => {
    const lm = new DummyLM((messages) => ({ answer: FACTS[finalQuestion(messages)].answer }));
    const compiled = await context({ lm }, () =>
      new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 1, maxLabeledDemos: 0, ...quiet }).compile(new DraftAndPolish(), {
        trainset: factExamples(),
      }),
    );
    expect((compiled.draft.demos[0] as Example).toJSON()).toEqual({ augmented: true, question: 'What is the capital of France?', answer: 'Paris' });
    expect((compiled.polish.demos[0] as Example).toJSON()).toEqual({
      augmented: true,
      question: 'What is the capital of France?',
      draft: 'Paris',
      answer: 'Paris',
    });
  });

  it('gives the same result whatever the concurrency', async () => {
    const compileWith = (concurrency: number): Promise<QA> =>
      context({ lm: demoAwareLM() }, () =>
        new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 4, maxLabeledDemos: 6, concurrency, ...quiet }).compile(new QA(), {
          trainset: factExamples(),
        }),
      );
    const [sequential, parallel, again] = await Promise.all([compileWith(1), compileWith(8), compileWith(8)]);
    expect(parallel.dumpState()).toEqual(sequential.dumpState());
    expect(again.dumpState()).toEqual(parallel.dumpState());
  });

  it('starts no more examples than could still be needed', async () => {
    const lm = new DummyLM((messages) => ({ answer: FACTS[finalQuestion(messages)].answer }));
    await context({ lm }, () =>
      new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 2, maxLabeledDemos: 0, concurrency: 16, ...quiet }).compile(new QA(), {
        trainset: factExamples(),
      }),
    );
    expect(lm.history).toHaveLength(2);
  });

  it('keeps every run that does not throw when there is no metric', async () => {
    const lm = new DummyLM(() => ({ answer: 'anything' }));
    const compiled = await context({ lm }, () =>
      new BootstrapFewShot({ maxBootstrappedDemos: 2, maxLabeledDemos: 0, ...quiet }).compile(new QA(), { trainset: factExamples() }),
    );
    expect(compiled.generate.demos).toHaveLength(2);
  });

  it('compares numeric metric values with metricThreshold', async () => {
    const lm = new DummyLM((messages) => ({ answer: FACTS[finalQuestion(messages)].answer }));
    const metric: Metric = () => 0.5;
    const compileAt = (metricThreshold: number): Promise<QA> =>
      context({ lm }, () =>
        new BootstrapFewShot({ metric, metricThreshold, maxBootstrappedDemos: 2, maxLabeledDemos: 0, ...quiet }).compile(new QA(), {
          trainset: factExamples(),
        }),
      );
    expect((await compileAt(0.4)).generate.demos).toHaveLength(2);
    expect((await compileAt(0.6)).generate.demos).toHaveLength(0);
  });

  it('retries a failed example with a temperature-1 copy of the LM and a new rollout id', async () => {
    const lm = new DummyLM((messages, options) => ({
      answer: options.rolloutId === 1 && options.temperature === 1 ? FACTS[finalQuestion(messages)].answer : 'wrong',
    }));
    const compiled = await context({ lm }, () =>
      new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 1, maxLabeledDemos: 0, maxRounds: 2, ...quiet }).compile(new QA(), {
        trainset: factExamples(),
      }),
    );
    expect(compiled.generate.demos).toHaveLength(1);
    expect(lm.history.map((call) => call.options.rolloutId)).toEqual([undefined]);
  });

  it('counts failures up to maxErrors, then fails with EVALUATION_FAILED carrying the cause', async () => {
    const lm = new DummyLM((messages) => {
      if (finalQuestion(messages).includes('+')) throw new Error('LM cannot add');
      return { answer: FACTS[finalQuestion(messages)].answer };
    });
    const tolerant = await context({ lm }, () =>
      new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 12, maxLabeledDemos: 0, maxErrors: 5, ...quiet }).compile(new QA(), {
        trainset: factExamples(),
      }),
    );
    expect(tolerant.generate.demos).toHaveLength(8);
    const strict = context({ lm }, () =>
      new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 12, maxLabeledDemos: 0, maxErrors: 2, ...quiet }).compile(new QA(), {
        trainset: factExamples(),
      }),
    );
    await expect(strict).rejects.toMatchObject({ code: 'EVALUATION_FAILED', details: { errorCount: 2, maxErrors: 2 } });
  });

  it('fails at once with EVALUATION_FAILED when the metric returns a wrong type', async () => {
    const metric = (() => 'good') as unknown as Metric;
    const run = context({ lm: demoAwareLM() }, () => new BootstrapFewShot({ metric, ...quiet }).compile(new QA(), { trainset: factExamples() }));
    await expect(run).rejects.toMatchObject({ code: 'EVALUATION_FAILED', details: { reason: 'invalidMetricValue' } });
  });

  it("rejects with the caller's signal.reason when cancelled", async () => {
    const controller = new AbortController();
    const reason = new Error('stop bootstrapping');
    const lm = new DummyLM((messages) => {
      controller.abort(reason);
      return { answer: FACTS[finalQuestion(messages)].answer };
    });
    const run = context({ lm }, () =>
      new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 12, maxLabeledDemos: 0, ...quiet }).compile(new QA(), {
        trainset: factExamples(),
        signal: controller.signal,
      }),
    );
    await expect(run).rejects.toBe(reason);
  });

  it('uses the given teacher instead of the student', async () => {
    const teacher = new QA();
    teacher.generate.lm = new DummyLM((messages) => ({ answer: FACTS[finalQuestion(messages)].answer }));
    const compiled = await context({ lm: new DummyLM(() => ({ answer: 'student never runs' })) }, () =>
      new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 2, maxLabeledDemos: 0, ...quiet }).compile(new QA(), {
        trainset: factExamples(),
        teacher,
      }),
    );
    expect((compiled.generate.demos as Example[]).map((demo) => demo.get('answer'))).toEqual(['Paris', '5']);
    expect(compiled.generate.lm).toBeUndefined();
  });

  it('returns a new compiled program and leaves the student untouched', async () => {
    const student = new QA();
    student.generate.demos = [{ question: 'What is 4 + 4?', answer: '8' }];
    const before = student.dumpState();
    const compiled = await context({ lm: demoAwareLM() }, () =>
      new BootstrapFewShot({ metric: exactAnswer, ...quiet }).compile(student, { trainset: factExamples() }),
    );
    expect(compiled).not.toBe(student);
    expect(compiled.generate).not.toBe(student.generate);
    expect(compiled.compiled).toBe(true);
    expect(student.compiled).toBe(false);
    expect(student.dumpState()).toEqual(before);
  });

  it('produces state that save() and load() round-trip, augmented flags included', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'dspex-bootstrap-'));
    try {
      const compiled = await context({ lm: demoAwareLM() }, () =>
        new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 2, maxLabeledDemos: 4, ...quiet }).compile(new QA(), { trainset: factExamples() }),
      );
      const file = path.join(directory, 'program.json');
      await compiled.save(file);
      const saved = JSON.parse(await readFile(file, 'utf8')) as { generate: { demos: Record<string, unknown>[] } };
      expect(saved.generate.demos.filter((demo) => demo.augmented === true)).toHaveLength(2);
      const loaded = await new QA().load(file);
      expect(loaded.dumpState()).toEqual(compiled.dumpState());
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  describe('bad input', () => {
    it.each([
      ['maxBootstrappedDemos < 0', { maxBootstrappedDemos: -1 }, 'maxBootstrappedDemos'],
      ['maxLabeledDemos < 0', { maxLabeledDemos: -2 }, 'maxLabeledDemos'],
      ['maxRounds 0', { maxRounds: 0 }, 'maxRounds'],
      ['concurrency 0', { concurrency: 0 }, 'concurrency'],
      ['a metric that is not a function', { metric: 'exact' }, 'metric'],
      ['a non-numeric metricThreshold', { metricThreshold: '0.5' }, 'metricThreshold'],
      ['an unknown option', { maxBootstrapDemos: 4 }, 'maxBootstrapDemos'],
    ])('rejects %s with OPTIMIZER_INVALID', (_label, options, option) => {
      expect(() => new BootstrapFewShot(options as never)).toThrow(expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: { option } }));
    });

    it('rejects an empty trainset', async () => {
      await expect(new BootstrapFewShot(quiet).compile(new QA(), { trainset: [] })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { option: 'trainset' },
      });
    });

    it('rejects a student with no predictors', async () => {
      class Plain extends Module {
        async forward(): Promise<Prediction> {
          return new Prediction({ answer: 'x' });
        }
      }
      await expect(new BootstrapFewShot(quiet).compile(new Plain(), { trainset: factExamples() })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { option: 'student' },
      });
    });

    it('rejects a compiled student', async () => {
      const student = new QA();
      student.compiled = true;
      await expect(new BootstrapFewShot(quiet).compile(student, { trainset: factExamples() })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { option: 'student' },
      });
    });

    it('rejects a teacher with other predictors', async () => {
      await expect(new BootstrapFewShot(quiet).compile(new QA(), { trainset: factExamples(), teacher: new DraftAndPolish() })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { option: 'teacher' },
      });
    });

    it('rejects trainset items without input keys', async () => {
      await expect(new BootstrapFewShot(quiet).compile(new QA(), { trainset: [new Example({ question: 'q', answer: 'a' })] })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { option: 'trainset', index: 0 },
      });
    });
  });
});
