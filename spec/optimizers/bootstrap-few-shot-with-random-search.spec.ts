import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { BootstrapFewShotWithRandomSearch, type BootstrapFewShotWithRandomSearchOptions } from '../../lib/optimizers/bootstrap-few-shot-with-random-search';
import type { Example } from '../../lib/primitives/example';
import { context, resetSettings } from '../../lib/settings/settings';
import { demoAwareLM, factExamples } from '../helpers/demo-aware-lm';
import { QA, exactAnswer } from '../helpers/qa-program';

const silent = pino({ level: 'silent' });
afterEach(() => resetSettings());

function search(options: Partial<BootstrapFewShotWithRandomSearchOptions> = {}): BootstrapFewShotWithRandomSearch {
  return new BootstrapFewShotWithRandomSearch({
    metric: exactAnswer,
    maxBootstrappedDemos: 4,
    maxLabeledDemos: 2,
    numCandidatePrograms: 4,
    logger: silent,
    displayProgress: false,
    ...options,
  });
}

const augmentedCount = (program: QA): number => (program.generate.demos as Example[]).filter((demo) => demo.get('augmented') === true).length;

describe('BootstrapFewShotWithRandomSearch', () => {
  it('tries seeds −3…n−1 and returns the candidate that scores best on the valset', async () => {
    const trainset = factExamples();
    const best = await context({ lm: demoAwareLM() }, () => search().compile(new QA(), { trainset, valset: trainset }));
    const candidates = best.candidatePrograms;
    expect(candidates.map((candidate) => candidate.seed).sort((left, right) => left - right)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(candidates.find((candidate) => candidate.seed === -3)!.score).toBe(0);
    expect(candidates[0].program).toBe(best);
    expect(candidates[0].score).toBeGreaterThan(0);
    expect(candidates.map((candidate) => candidate.score)).toEqual([...candidates.map((candidate) => candidate.score)].sort((left, right) => right - left));
    expect(candidates[0].subscores).toHaveLength(trainset.length);
    expect(best.compiled).toBe(true);
  });

  it('builds the fixed candidates as DSPy does: zero-shot, labeled only, then bootstrapped', async () => {
    const best = await context({ lm: demoAwareLM() }, () => search().compile(new QA(), { trainset: factExamples() }));
    const bySeed = new Map(best.candidatePrograms.map((candidate) => [candidate.seed, candidate.program]));
    expect(bySeed.get(-3)!.generate.demos).toEqual([]);
    expect(bySeed.get(-2)!.generate.demos).toHaveLength(2);
    expect(augmentedCount(bySeed.get(-2)!)).toBe(0);
    expect(augmentedCount(bySeed.get(-1)!)).toBeGreaterThan(0);
  });

  it('caps each random candidate at a demo count drawn by a fresh Random(seed)', async () => {
    const best = await context({ lm: demoAwareLM() }, () => search().compile(new QA(), { trainset: factExamples() }));
    // Python: [random.Random(seed).randint(1, 4) for seed in range(4)] == [4, 2, 1, 2].
    const caps = [4, 2, 1, 2];
    for (const candidate of best.candidatePrograms.filter((item) => item.seed >= 0)) {
      expect(augmentedCount(candidate.program)).toBeLessThanOrEqual(caps[candidate.seed]);
    }
    expect(augmentedCount(best.candidatePrograms.find((candidate) => candidate.seed === 2)!.program)).toBe(1);
  });

  it('is deterministic', async () => {
    const run = (): Promise<QA & { candidatePrograms: { seed: number; score: number }[] }> =>
      context({ lm: demoAwareLM() }, () => search().compile(new QA(), { trainset: factExamples() }));
    const [first, second] = [await run(), await run()];
    expect(second.dumpState()).toEqual(first.dumpState());
    expect(second.candidatePrograms.map(({ seed, score }) => [seed, score])).toEqual(first.candidatePrograms.map(({ seed, score }) => [seed, score]));
  });

  it('stops early once a candidate reaches stopAtScore', async () => {
    const best = await context({ lm: demoAwareLM() }, () => search({ stopAtScore: 0 }).compile(new QA(), { trainset: factExamples() }));
    expect(best.candidatePrograms.map((candidate) => candidate.seed)).toEqual([-3]);
  });

  it('tries only the seeds in restrict', async () => {
    const best = await context({ lm: demoAwareLM() }, () => search().compile(new QA(), { trainset: factExamples(), restrict: [-2, 1] }));
    expect(best.candidatePrograms.map((candidate) => candidate.seed).sort()).toEqual([-2, 1]);
  });

  it('leaves the student untouched', async () => {
    const student = new QA();
    const before = student.dumpState();
    const best = await context({ lm: demoAwareLM() }, () => search().compile(student, { trainset: factExamples() }));
    expect(best).not.toBe(student);
    expect(best.candidatePrograms.every((candidate) => candidate.program !== student)).toBe(true);
    expect(student.dumpState()).toEqual(before);
    expect(student.compiled).toBe(false);
  });

  it('produces state that save() and load() round-trip', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'dspex-random-search-'));
    try {
      const best = await context({ lm: demoAwareLM() }, () => search().compile(new QA(), { trainset: factExamples() }));
      const file = path.join(directory, 'best.json');
      await best.save(file);
      expect((await new QA().load(file)).dumpState()).toEqual(best.dumpState());
      expect(Object.keys(best)).not.toContain('candidatePrograms');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  describe('bad input', () => {
    it('rejects a missing metric', () => {
      expect(() => new BootstrapFewShotWithRandomSearch({} as never)).toThrow(
        expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: { option: 'metric' } }),
      );
    });

    it('rejects maxBootstrappedDemos 0 when random candidates are built', () => {
      expect(() => search({ maxBootstrappedDemos: 0 })).toThrow(
        expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: { option: 'maxBootstrappedDemos' } }),
      );
    });

    it('rejects a negative numCandidatePrograms', () => {
      expect(() => search({ numCandidatePrograms: -1 })).toThrow(
        expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: { option: 'numCandidatePrograms' } }),
      );
    });

    it('rejects an empty valset', async () => {
      await expect(search().compile(new QA(), { trainset: factExamples(), valset: [] })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { option: 'valset' },
      });
    });

    it('rejects a restrict list that matches no seed', async () => {
      await expect(search().compile(new QA(), { trainset: factExamples(), restrict: [99] })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { option: 'restrict' },
      });
    });
  });
});
