import { InputValidationError, describeProblem, describeValue } from '../errors';
import type { Module, ForwardOptions } from '../primitives/module';
import type { Prediction } from '../primitives/prediction';
import { isPlainObject } from '../util/is-plain-object';
import { BOOTSTRAP_OPTION_RULES, BootstrapFewShot, type BootstrapFewShotOptions } from './bootstrap-few-shot';
import { KNN, type Vectorizer } from './knn';
import type { OptionRules } from '../util/validate-options';
import { checkCompileRequest, validateOptimizerOptions } from './optimizer-options';
import type { CompileOptions, Teleprompter } from './teleprompter';

/** Options of `new KNNFewShot(options)`: `k`, the `vectorizer`, and BootstrapFewShot's options for each call. */
export interface KNNFewShotOptions extends BootstrapFewShotOptions {
  /** Nearest training examples per call (DSPy's `k`). */
  k: number;
  /** Turns texts into vectors: an `Embedder` (or anything with its `embed(texts)`). */
  vectorizer: Vectorizer;
}

const OPTION_RULES: OptionRules = {
  ...BOOTSTRAP_OPTION_RULES,
  k: { kind: 'integer', min: 1, required: true },
  vectorizer: {
    kind: 'custom',
    required: true,
    check: (value) =>
      typeof (value as Partial<Vectorizer> | null)?.embed === 'function'
        ? undefined
        : "an Embedder (an object with embed(texts)), e.g. new Embedder('openai/text-embedding-3-small')",
  },
};

/**
 * DSPy's `KNNFewShot`: the compiled program, on every call, finds the `k` training examples whose
 * inputs are nearest to the call's inputs (by embedding), runs BootstrapFewShot on them, and
 * answers with the program that produces. Costs the LM calls of a small bootstrap per call.
 * @example
 * const knn = new KNNFewShot({ k: 3, vectorizer: new Embedder('openai/text-embedding-3-small') });
 * const compiled = await knn.compile(program, { trainset });
 */
export class KNNFewShot implements Teleprompter {
  readonly k: number;
  readonly vectorizer: Vectorizer;
  readonly #bootstrapOptions: BootstrapFewShotOptions;

  /** @throws {OptimizerError} OPTIMIZER_INVALID for `k` < 1, a vectorizer without `embed`, or a bad BootstrapFewShot option. */
  constructor(options: KNNFewShotOptions) {
    const owner = 'KNNFewShot';
    validateOptimizerOptions(owner, options, OPTION_RULES);
    const { k, vectorizer, ...bootstrapOptions } = options;
    this.k = k;
    // Checked now so a bad option fails at construction, not on the first call; per-call bootstraps draw no progress bar.
    new BootstrapFewShot(bootstrapOptions);
    this.vectorizer = vectorizer;
    this.#bootstrapOptions = { ...bootstrapOptions, displayProgress: false };
  }

  /**
   * A reset copy of `student` (`compiled === true`) whose `forward` picks its demos per call.
   * The trainset is embedded now, so a failing vectorizer fails the compile.
   * @throws {OptimizerError} OPTIMIZER_INVALID for an empty trainset, a compiled student or one without predictors, or vectors of mismatched sizes (also at call time).
   */
  async compile<T extends Module>(student: T, options: CompileOptions): Promise<T> {
    const owner = 'KNNFewShot';
    const signal = checkCompileRequest(owner, student, options);
    const knn = await KNN.create(this.k, [...options.trainset], this.vectorizer, signal);
    // Snapshots: later changes to the student or teacher do not change the compiled program.
    const base = student.deepcopy();
    const teacher = options.teacher?.deepcopy();
    const bootstrapOptions = this.#bootstrapOptions;
    const compiled = student.resetCopy();
    compiled.compiled = true;
    // An own, enumerable property (DSPy rebinds `forward` on the copy), so deepcopy() keeps it.
    (compiled as { forward: (inputs: Record<string, unknown>, options?: ForwardOptions) => Promise<Prediction> }).forward = async function knnForward(
      inputs: Record<string, unknown>,
      forwardOptions: ForwardOptions = {},
    ): Promise<Prediction> {
      if (!isPlainObject(inputs)) {
        throw new InputValidationError(
          describeProblem('KNNFewShot program: forward takes an object of named inputs.', describeValue(inputs), 'Call forward({ question: … }).'),
        );
      }
      const neighbours = await knn.nearest(inputs, forwardOptions.signal);
      const program = await new BootstrapFewShot(bootstrapOptions).compile(base, { trainset: neighbours, teacher, signal: forwardOptions.signal });
      return program.forward(inputs, forwardOptions);
    };
    return compiled;
  }
}
