import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Evaluate } from '../../lib/evaluate/evaluate';
import { LabeledFewShot } from '../../lib/optimizers/labeled-few-shot';
import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { context, resetSettings } from '../../lib/settings/settings';
import { demoAwareLM, factExamples } from '../helpers/demo-aware-lm';
import { DraftAndPolish, QA, exactAnswer } from '../helpers/qa-program';

const silent = pino({ level: 'silent' });
afterEach(() => resetSettings());

describe('LabeledFewShot', () => {
  it('gives every predictor k training examples, sampled as DSPy does with Random(0)', async () => {
    const trainset = factExamples();
    const compiled = await new LabeledFewShot({ k: 3 }).compile(new DraftAndPolish(), { trainset });
    // Python: r = random.Random(0); r.sample(range(12), 3) == [6, 11, 0], then r.sample(range(12), 3) == [4, 8, 7].
    expect(compiled.draft.demos).toEqual([trainset[6], trainset[11], trainset[0]]);
    expect(compiled.polish.demos).toEqual([trainset[4], trainset[8], trainset[7]]);
  });

  it('takes the first k examples with sample: false', async () => {
    const trainset = factExamples();
    const compiled = await new LabeledFewShot({ k: 2 }).compile(new QA(), { trainset, sample: false });
    expect(compiled.generate.demos).toEqual(trainset.slice(0, 2));
  });

  it('caps k at the trainset size', async () => {
    const compiled = await new LabeledFewShot().compile(new QA(), { trainset: factExamples().slice(0, 3) });
    expect(compiled.generate.demos).toHaveLength(3);
  });

  it('improves a program that learns from demos', async () => {
    const trainset = factExamples();
    const evaluate = new Evaluate({ devset: trainset, metric: exactAnswer, logger: silent });
    const student = new QA();
    const compiled = await new LabeledFewShot({ k: 6 }).compile(student, { trainset });
    const [before, after] = await context({ lm: demoAwareLM() }, () => Promise.all([evaluate.run(student), evaluate.run(compiled)]));
    expect(before.score).toBe(0);
    expect(after.score).toBe(100);
  });

  it('returns a new compiled program and leaves the student untouched', async () => {
    const student = new QA();
    student.generate.demos = [{ question: 'old', answer: 'demo' }];
    const before = student.dumpState();
    const compiled = await new LabeledFewShot({ k: 2 }).compile(student, { trainset: factExamples() });
    expect(compiled).not.toBe(student);
    expect(compiled.generate).not.toBe(student.generate);
    expect(compiled.compiled).toBe(true);
    expect(student.compiled).toBe(false);
    expect(student.dumpState()).toEqual(before);
  });

  it('is deterministic', async () => {
    const trainset = factExamples();
    const first = await new LabeledFewShot({ k: 4 }).compile(new DraftAndPolish(), { trainset });
    const second = await new LabeledFewShot({ k: 4 }).compile(new DraftAndPolish(), { trainset });
    expect(second.dumpState()).toEqual(first.dumpState());
  });

  it('produces state that save() and load() round-trip', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'dspex-labeled-'));
    try {
      const compiled = await new LabeledFewShot({ k: 3 }).compile(new QA(), { trainset: factExamples() });
      const file = path.join(directory, 'program.json');
      await compiled.save(file);
      const loaded = await new QA().load(file);
      expect(loaded.dumpState()).toEqual(compiled.dumpState());
      expect(loaded.generate.demos).toHaveLength(3);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  describe('bad input', () => {
    it('rejects an empty trainset with OPTIMIZER_INVALID', async () => {
      await expect(new LabeledFewShot().compile(new QA(), { trainset: [] })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { option: 'trainset' },
      });
    });

    it('rejects a student with no predictors with OPTIMIZER_INVALID', async () => {
      class NoPredictors extends Module {
        async forward(): Promise<Prediction> {
          return new Prediction({});
        }
      }
      await expect(new LabeledFewShot().compile(new NoPredictors(), { trainset: factExamples() })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { option: 'student' },
      });
    });

    it.each([
      ['a negative k', { k: -1 }, 'k'],
      ['a fractional k', { k: 1.5 }, 'k'],
    ])('rejects %s with OPTIMIZER_INVALID', (_label, options, option) => {
      expect(() => new LabeledFewShot(options as never)).toThrow(expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: { option } }));
    });

    it('rejects a misspelt option with a did-you-mean', () => {
      expect(() => new LabeledFewShot({ kk: 2 } as never)).toThrow(
        expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: { option: 'kk', suggestion: 'k' } }),
      );
    });
  });
});
