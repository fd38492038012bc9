import type { Module } from '../primitives/module';
import type { OptionRules } from '../util/validate-options';
import { assertOptimizerExamples, assertProgram, COMPILE_RULES, COUNT_RULE, validateOptimizerOptions } from './optimizer-options';
import { SeededRandom } from '../util/seeded-random';
import type { CompileOptions, Teleprompter } from './teleprompter';

/** Options of `new LabeledFewShot(options)`. */
export interface LabeledFewShotOptions {
  /** Demos per predictor (default 16). */
  k?: number;
}

/** Options of `LabeledFewShot.compile`. */
export interface LabeledFewShotCompileOptions extends CompileOptions {
  /** True (default) samples `k` examples with DSPy's `Random(0)`; false takes the first `k`. */
  sample?: boolean;
}

const OPTION_RULES: OptionRules = { k: COUNT_RULE };
const COMPILE_OPTION_RULES: OptionRules = { ...COMPILE_RULES, sample: { kind: 'boolean' } };

/**
 * The simplest optimizer (DSPy's `LabeledFewShot`): gives every predictor up to `k` labeled
 * training examples as demos, sampled with a fixed seed. No LM calls.
 * @example
 * const compiled = await new LabeledFewShot({ k: 4 }).compile(program, { trainset });
 */
export class LabeledFewShot implements Teleprompter {
  readonly k: number;

  /** @throws {OptimizerError} OPTIMIZER_INVALID for a negative or fractional `k` or an unknown option. */
  constructor(options: LabeledFewShotOptions = {}) {
    this.k = validateOptimizerOptions('LabeledFewShot', options, OPTION_RULES).k ?? 16;
  }

  /**
   * A reset copy of `student` whose predictors each hold up to `k` training examples as demos.
   * @throws {OptimizerError} OPTIMIZER_INVALID for an empty trainset, examples without input keys, or a student without predictors.
   */
  async compile<T extends Module>(student: T, options: LabeledFewShotCompileOptions): Promise<T> {
    const { signal, trainset, sample = true } = validateOptimizerOptions('LabeledFewShot.compile', options, COMPILE_OPTION_RULES);
    signal?.throwIfAborted();
    assertProgram('LabeledFewShot', 'student', student, { arePredictorsRequired: true, isUncompiledRequired: false });
    assertOptimizerExamples('LabeledFewShot', 'trainset', trainset);
    return labelDemos(student, trainset, this.k, sample);
  }
}

/** The compile step itself, shared with BootstrapFewShot's teacher and random search's seed −2. */
export function labelDemos<T extends Module>(student: T, trainset: readonly unknown[], k: number, shouldSample: boolean): T {
  const compiled = student.resetCopy();
  // One generator for the whole compile, as DSPy's `random.Random(0)` in vanilla.py.
  const random = new SeededRandom(0);
  const count = Math.min(k, trainset.length);
  for (const predictor of compiled.predictors()) {
    predictor.demos = (shouldSample ? random.sample(trainset, count) : trainset.slice(0, count)) as typeof predictor.demos;
  }
  compiled.compiled = true;
  return compiled;
}
