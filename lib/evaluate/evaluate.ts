import PQueue from 'p-queue';
import { EvaluationError } from '../errors';
import { getRootLogger, LOGGER_OPTION_RULE, type Logger } from '../logging/logger';
import type { Example } from '../primitives/example';
import { isModule } from '../primitives/module-brand';
import type { Module } from '../primitives/module';
import type { Prediction } from '../primitives/prediction';
import type { ForwardResult } from '../predict/forward-types';
import { activeCallbacks, runWithCallbacks } from '../settings/callbacks';
import { validateOption, validateOptions, type OptionRules } from '../util/validate-options';
import type { EvaluationResult } from './evaluation-result';
import { assertExampleSet } from './example-set';
import type { Metric } from './metric';
import { averageMetricStatus, createProgressDisplay } from './progress-display';
import { runEvaluation } from './run-evaluation';

/** Options of `new Evaluate(options)`: DSPy's, camelCased (`num_threads` is `concurrency`). `P`: the predictions the metric reads. */
export interface EvaluateOptions<P = Prediction> {
  /** The examples to run, each with input keys set. */
  devset: readonly Example[];
  /** Scores each prediction: `metric(example, prediction)` → number or boolean. */
  metric: Metric<P>;
  /** Examples run at once (default 16). */
  concurrency?: number;
  /** Shows a progress bar with the running score on a terminal (default false). */
  displayProgress?: boolean;
  /** The run fails once this many examples have failed (default 10, DSPy's `settings.max_errors`). */
  maxErrors?: number;
  /** The score of an example whose program or metric threw (default 0). */
  failureScore?: number;
  /** Cancels every run of this evaluator. */
  signal?: AbortSignal;
  logger?: Logger;
}

/** Per-run overrides of `Evaluate.run` (`P`: the program's predictions, which a `metric` given here reads). */
export interface EvaluateRunOptions<P = Prediction> {
  devset?: readonly Example[];
  metric?: Metric<P>;
  concurrency?: number;
  displayProgress?: boolean;
  /** Cancels this run: it rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** A program whose `forward` resolves with `P` (what a typed metric reads). */
export type ProgramOf<P> = { forward(...args: never[]): Promise<P> };

const DEFAULT_CONCURRENCY = 16;
const DEFAULT_MAX_ERRORS = 10;

const invalid = (message: string, details: Record<string, unknown>): EvaluationError => new EvaluationError(message, { details });

const RUN_RULES: OptionRules = {
  devset: { kind: 'custom', check: (value) => (Array.isArray(value) ? undefined : 'a non-empty array of Examples') },
  metric: { kind: 'function' },
  concurrency: { kind: 'integer', min: 1 },
  displayProgress: { kind: 'boolean' },
  signal: { kind: 'signal' },
};

const RULES: OptionRules = {
  ...RUN_RULES,
  devset: { ...RUN_RULES.devset, required: true },
  metric: { kind: 'function', required: true },
  maxErrors: { kind: 'integer', min: 0, allowInfinity: true },
  failureScore: { kind: 'number' },
  logger: LOGGER_OPTION_RULE,
};

function checkOptions(owner: string, options: unknown, rules: OptionRules, allowUndefined: boolean): void {
  validateOptions(owner, options, rules, { error: invalid, allowUndefined });
  const devset = (options as { devset?: unknown } | undefined)?.devset;
  if (devset !== undefined) assertExampleSet('Evaluate', 'devset', devset, EvaluationError);
}

/**
 * Runs a program over a devset in parallel and scores it with a metric (DSPy's `dspy.Evaluate`).
 * `run(program)` returns `{ score, results, usage }`: the score is a percentage (0–100, two decimals), `usage` the tokens and cost of the run's LM calls.
 * @example
 *
 * Typed: `P` is the prediction type the metric reads, inferred from the metric or given
 * (`new Evaluate<ForwardResult<QA>>({ devset, metric: (example, prediction) => … })`, where
 * `prediction.answer` has `QA`'s type); `run(program)` then only takes a program whose predictions
 * are of that type. A metric passed to `run` reads the type of that program's predictions.
 * @example
 * const evaluate = new Evaluate({ devset, metric: answerExactMatch, displayProgress: true });
 * const { score } = await evaluate.run(program);
 */
export class Evaluate<P extends Prediction = Prediction> {
  readonly devset: readonly Example[];
  readonly metric: Metric<P>;
  readonly concurrency: number;
  readonly displayProgress: boolean;
  readonly maxErrors: number;
  readonly failureScore: number;
  readonly signal: AbortSignal | undefined;
  readonly #log: Logger;

  /** @throws {EvaluationError} EVALUATION_FAILED for an empty devset, a missing metric or a bad option. */
  constructor(options: EvaluateOptions<P>) {
    checkOptions('Evaluate', options, RULES, false);
    this.devset = [...options.devset];
    this.metric = options.metric;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.displayProgress = options.displayProgress ?? false;
    this.maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
    this.failureScore = options.failureScore ?? 0;
    this.signal = options.signal;
    this.#log = (options.logger ?? getRootLogger()).child({ component: 'evaluate' });
  }

  /**
   * Runs `program` on each example's inputs and scores it; rows keep devset order.
   * @throws {EvaluationError} EVALUATION_FAILED once `maxErrors` examples failed (cause: the last failure), when the metric returns something other than a number or boolean, or for bad overrides.
   * @throws the caller's `signal.reason` when the run is cancelled.
   */
  async run<M extends Module>(program: M & ProgramOf<P>, overrides: EvaluateRunOptions<ForwardResult<M>> = {}): Promise<EvaluationResult> {
    const callbacks = activeCallbacks();
    if (callbacks === undefined) return this.#run(program, overrides);
    return runWithCallbacks(callbacks, 'Evaluate', this, { program, ...overrides }, () => this.#run(program, overrides));
  }

  async #run(program: Module, overrides: EvaluateRunOptions<never>): Promise<EvaluationResult> {
    validateOption(
      'Evaluate.run',
      'program',
      program,
      { kind: 'custom', required: true, check: (value) => (isModule(value) ? undefined : 'a Module, e.g. evaluate.run(new QA())') },
      { error: invalid },
    );
    checkOptions('Evaluate.run', overrides, RUN_RULES, true);
    const devset = overrides.devset ?? this.devset;
    const signal = combineSignals(this.signal, overrides.signal);
    const progress = createProgressDisplay({ isEnabled: overrides.displayProgress ?? this.displayProgress, total: devset.length, label: 'Evaluate' });
    try {
      return await runEvaluation({
        program,
        devset,
        metric: overrides.metric ?? this.metric,
        queue: new PQueue({ concurrency: overrides.concurrency ?? this.concurrency }),
        maxErrors: this.maxErrors,
        failureScore: this.failureScore,
        signal,
        log: this.#log,
        onProgress: progress.isVisible ? (completed, scoreSum, scored) => progress.update(completed, averageMetricStatus(scoreSum, scored)) : undefined,
      });
    } finally {
      progress.stop();
    }
  }
}

/** The evaluator's and the run's signals as one (only combined when both are given). */
function combineSignals(first: AbortSignal | undefined, second: AbortSignal | undefined): AbortSignal | undefined {
  if (first === undefined) return second;
  if (second === undefined) return first;
  return AbortSignal.any([first, second]);
}
