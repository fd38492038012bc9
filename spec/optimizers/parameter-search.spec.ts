import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import pino from 'pino';
import { Parameter, Predictor, SubModule } from '../../lib/decorators';
import type { Metric } from '../../lib/evaluate/metric';
import { ParameterSearch, type ParameterSearchOptions } from '../../lib/optimizers/parameter-search';
import { Predict } from '../../lib/predict/predict';
import { Example } from '../../lib/primitives/example';
import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { context, resetSettings } from '../../lib/settings/settings';
import { demoAwareLM, factExamples } from '../helpers/demo-aware-lm';
import { exactAnswer } from '../helpers/qa-program';

const silent = pino({ level: 'silent' });
afterEach(() => resetSettings());

/** Labels a number big when it exceeds the tuned threshold; the data's true cut is 6. */
class Classifier extends Module {
  @Parameter({ description: 'numbers above this are big' }) @IsInt() @Min(0) @Max(10) threshold = 0;

  async forward(inputs: { x: number }): Promise<Prediction> {
    return new Prediction({ label: inputs.x > this.threshold ? 'big' : 'small' });
  }
}

const numbers = Array.from({ length: 11 }, (_, x) => new Example({ x, label: x > 6 ? 'big' : 'small' }).withInputs('x'));
const sameLabel: Metric = (example, prediction) => example.get('label') === prediction.get('label');

function search(options: Partial<ParameterSearchOptions> = {}): ParameterSearch {
  return new ParameterSearch({ metric: sameLabel, logger: silent, displayProgress: false, ...options });
}

describe('ParameterSearch', () => {
  it('finds the best value of an integer parameter on a grid', async () => {
    const student = new Classifier();
    const tuned = await search({ strategy: 'grid', gridSize: 11 }).compile(student, { trainset: numbers });
    expect(tuned.threshold).toBe(6);
    expect(tuned.searchResults.best).toMatchObject({ values: { threshold: 6 }, score: 100, isBaseline: false });
    expect(tuned.searchResults.baseline).toMatchObject({ values: { threshold: 0 }, score: 45.45 });
    expect(tuned.searchResults.trials.map((trial) => trial.values.threshold)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('spaces a grid over a wide range evenly', async () => {
    const tuned = await search({ strategy: 'grid', gridSize: 5 }).compile(new Classifier(), { trainset: numbers });
    expect(tuned.searchResults.trials.map((trial) => trial.values.threshold)).toEqual([0, 3, 5, 8, 10]);
  });

  it('draws random candidates within the bounds and improves the score', async () => {
    const tuned = await search({ trials: 30, seed: 1 }).compile(new Classifier(), { trainset: numbers });
    const values = tuned.searchResults.trials.map((trial) => trial.values.threshold as number);
    expect(values.every((value) => Number.isInteger(value) && value >= 0 && value <= 10)).toBe(true);
    expect(tuned.searchResults.best.score).toBeGreaterThan(tuned.searchResults.baseline!.score);
    expect(tuned.threshold).toBe(6);
  });

  it('is deterministic for a fixed seed', async () => {
    const run = async (seed: number): Promise<unknown[]> =>
      (await search({ trials: 5, seed }).compile(new Classifier(), { trainset: numbers })).searchResults.trials.map((trial) => [trial.values, trial.score]);
    expect(await run(3)).toEqual(await run(3));
    expect(await run(3)).not.toEqual(await run(4));
  });

  it('tunes a parameter that feeds an LM program, evaluated on the valset', async () => {
    const pool = [factExamples()[0], factExamples()[1], factExamples()[2]];
    class FewShot extends Module {
      @Parameter() @IsInt() @Min(0) @Max(3) shots = 0;
      @Predictor('question -> answer') generate!: Predict;

      async forward(inputs: { question: string }): Promise<Prediction> {
        return this.generate.forward(inputs, { demos: pool.slice(0, this.shots) });
      }
    }
    const tuned = await context({ lm: demoAwareLM() }, () =>
      search({ metric: exactAnswer, strategy: 'grid' }).compile(new FewShot(), { trainset: pool, valset: factExamples() }),
    );
    expect(tuned.shots).toBe(3);
    expect(tuned.searchResults.trials.map((trial) => [trial.values.shots, trial.score])).toEqual([
      [0, 0],
      [1, 33.33],
      [2, 66.67],
      [3, 100],
    ]);
  });

  it('searches floats uniformly, booleans both ways, and @IsIn values as listed', async () => {
    class Mixed extends Module {
      @Parameter() @Min(0) @Max(1) weight = 0.5;
      @Parameter() strict = false;
      @Parameter() @IsIn(['short', 'long']) style = 'short';

      async forward(): Promise<Prediction> {
        return new Prediction({ label: this.weight > 0.8 && this.strict && this.style === 'long' ? 'big' : 'small' });
      }
    }
    const tuned = await search({ trials: 40, seed: 2 }).compile(new Mixed(), { trainset: [new Example({ x: 1, label: 'big' }).withInputs('x')] });
    const trials = tuned.searchResults.trials;
    expect(
      trials.every((trial) => typeof trial.values.weight === 'number' && (trial.values.weight as number) >= 0 && (trial.values.weight as number) <= 1),
    ).toBe(true);
    expect(new Set(trials.map((trial) => trial.values.strict))).toEqual(new Set([false, true]));
    expect(new Set(trials.map((trial) => trial.values.style))).toEqual(new Set(['short', 'long']));
    expect(tuned.searchResults.best.score).toBe(100);
    expect([tuned.weight > 0.8, tuned.strict, tuned.style]).toEqual([true, true, 'long']);
  });

  it('finds nested parameters by path and searches only those asked for', async () => {
    class Outer extends Module {
      @SubModule({ type: () => Classifier }) classify!: Classifier;
      @Parameter() @IsInt() @Min(0) @Max(5) unused = 1;

      async forward(inputs: { x: number }): Promise<Prediction> {
        return this.classify.forward(inputs);
      }
    }
    const tuned = await search({ strategy: 'grid', gridSize: 11, parameters: ['classify.threshold'] }).compile(new Outer(), { trainset: numbers });
    expect(tuned.getParameter('classify.threshold')).toBe(6);
    expect(Object.keys(tuned.searchResults.best.values)).toEqual(['classify.threshold']);
    expect(tuned.unused).toBe(1);
  });

  it('skips parameters with requiresGrad false', async () => {
    class Frozen extends Classifier {
      @Parameter({ requiresGrad: false }) @IsInt() @Min(0) @Max(10) other = 2;
    }
    const tuned = await search({ strategy: 'grid', gridSize: 11 }).compile(new Frozen(), { trainset: numbers });
    expect(Object.keys(tuned.searchResults.best.values)).toEqual(['threshold']);
  });

  it('keeps the current values when nothing beats them', async () => {
    const student = new Classifier();
    student.threshold = 6;
    const tuned = await search({ strategy: 'grid', gridSize: 11 }).compile(student, { trainset: numbers });
    expect(tuned.searchResults.best.isBaseline).toBe(true);
    expect(tuned.threshold).toBe(6);
  });

  it("records the chosen values in the copy's parameter history and leaves the student untouched", async () => {
    const student = new Classifier();
    const before = { state: student.dumpState(), history: student.parameter('threshold').history.length };
    const tuned = await search({ strategy: 'grid', gridSize: 11 }).compile(student, { trainset: numbers });
    expect(tuned).not.toBe(student);
    expect(tuned.compiled).toBe(true);
    expect(tuned.parameter('threshold').history.at(-1)).toMatchObject({ value: 6, previous: 0, source: 'assign' });
    expect(student.dumpState()).toEqual(before.state);
    expect(student.parameter('threshold').history).toHaveLength(before.history);
    expect(student.compiled).toBe(false);
  });

  it('never runs more than `concurrency` programs at once across candidates', async () => {
    let running = 0;
    let peak = 0;
    class Counting extends Classifier {
      override async forward(inputs: { x: number }): Promise<Prediction> {
        running += 1;
        peak = Math.max(peak, running);
        await Promise.resolve();
        running -= 1;
        return super.forward(inputs);
      }
    }
    await search({ strategy: 'grid', gridSize: 11, concurrency: 4 }).compile(new Counting(), { trainset: numbers });
    expect(peak).toBe(4);
  });

  it('produces state that save() and load() round-trip', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'dspex-parameter-search-'));
    try {
      const tuned = await search({ strategy: 'grid', gridSize: 11 }).compile(new Classifier(), { trainset: numbers });
      const file = path.join(directory, 'tuned.json');
      await tuned.save(file);
      const loaded = await new Classifier().load(file);
      expect(loaded.threshold).toBe(6);
      expect(loaded.dumpState()).toEqual(tuned.dumpState());
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('fails with EVALUATION_FAILED when a candidate fails maxErrors times', async () => {
    class Fragile extends Classifier {
      override async forward(inputs: { x: number }): Promise<Prediction> {
        if (this.threshold === 5) throw new Error('threshold 5 breaks');
        return super.forward(inputs);
      }
    }
    await expect(search({ strategy: 'grid', gridSize: 11, maxErrors: 2 }).compile(new Fragile(), { trainset: numbers })).rejects.toMatchObject({
      code: 'EVALUATION_FAILED',
      details: { maxErrors: 2 },
    });
  });

  it("rejects with the caller's signal.reason when cancelled", async () => {
    const reason = new Error('enough');
    await expect(search().compile(new Classifier(), { trainset: numbers, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  describe('bad input', () => {
    it('rejects a numeric parameter without bounds, naming it', async () => {
      class Unbounded extends Module {
        @Parameter() temperature = 0.7;

        async forward(): Promise<Prediction> {
          return new Prediction({});
        }
      }
      await expect(search().compile(new Unbounded(), { trainset: numbers })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { parameter: 'temperature' },
      });
    });

    it('rejects a program with nothing to search', async () => {
      class Nothing extends Module {
        @Parameter() prefix = 'Answer:';

        async forward(): Promise<Prediction> {
          return new Prediction({});
        }
      }
      await expect(search().compile(new Nothing(), { trainset: numbers })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { option: 'parameters' },
      });
    });

    it('rejects an unknown parameter path', async () => {
      await expect(search({ parameters: ['k'] }).compile(new Classifier(), { trainset: numbers })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { option: 'parameters' },
      });
    });

    it('rejects a shared parameter asked for by name', async () => {
      class Shared extends Module {
        @Parameter({ shared: 'spec.parameter-search.k' }) @IsInt() @Min(0) @Max(3) k = 1;

        async forward(): Promise<Prediction> {
          return new Prediction({});
        }
      }
      await expect(search({ parameters: ['k'] }).compile(new Shared(), { trainset: numbers })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { parameter: 'k' },
      });
    });

    it('rejects a grid larger than trials', async () => {
      await expect(search({ strategy: 'grid', gridSize: 11, trials: 5 }).compile(new Classifier(), { trainset: numbers })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { option: 'trials', points: 11 },
      });
    });

    it('rejects an empty trainset', async () => {
      await expect(search().compile(new Classifier(), { trainset: [] })).rejects.toMatchObject({ code: 'OPTIMIZER_INVALID', details: { option: 'trainset' } });
    });

    it.each([
      ['a missing metric', { metric: undefined }, 'metric'],
      ['an unknown strategy', { strategy: 'bayesian' }, 'strategy'],
      ['trials 0', { trials: 0 }, 'trials'],
      ['concurrency 0', { concurrency: 0 }, 'concurrency'],
      ['an empty parameters list', { parameters: [] }, 'parameters'],
      ['an unknown option', { iterations: 3 }, 'iterations'],
    ])('rejects %s with OPTIMIZER_INVALID', (_label, options, option) => {
      expect(() => search(options as never)).toThrow(expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: { option } }));
    });
  });
});
