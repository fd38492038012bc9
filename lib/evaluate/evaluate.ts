import PQueue from 'p-queue';
import { EvaluationError, describeProblem, describeValue } from '../errors';
import { getRootLogger, type Logger } from '../logging/logger';
import type { Example } from '../primitives/example';
import { isModule } from '../primitives/module-brand';
import type { Module } from '../primitives/module';
import { isPlainObject } from '../util/is-plain-object';
import type { EvaluationResult } from './evaluation-result';
import { assertExampleSet } from './example-set';
import type { Metric } from './metric';
import { averageMetricStatus, createProgressDisplay } from './progress-display';
import { runEvaluation } from './run-evaluation';

/** Options of `new Evaluate(options)`: DSPy's, camelCased (`num_threads` is `concurrency`). */
export interface EvaluateOptions {
  /** The examples to run, each with input keys set. */
  devset: readonly Example[];
  /** Scores each prediction: `metric(example, prediction)` → number or boolean. */
  metric: Metric;
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

/** Per-run overrides of `Evaluate.run`. */
export interface EvaluateRunOptions {
  devset?: readonly Example[];
  metric?: Metric;
  concurrency?: number;
  displayProgress?: boolean;
  /** Cancels this run: it rejects with `signal.reason`. */
  signal?: AbortSignal;
}

const OPTION_KEYS = new Set(['devset', 'metric', 'concurrency', 'displayProgress', 'maxErrors', 'failureScore', 'signal', 'logger']);
const RUN_OPTION_KEYS = new Set(['devset', 'metric', 'concurrency', 'displayProgress', 'signal']);
const DEFAULT_CONCURRENCY = 16;
const DEFAULT_MAX_ERRORS = 10;

function fail(problem: string, received: unknown, fix: string, option: string): never {
  throw new EvaluationError(describeProblem(`Evaluate: ${problem}`, describeValue(received), fix), { details: { option } });
}

function checkOptions(options: Record<string, unknown>, allowed: ReadonlySet<string>): void {
  const unknown = Object.keys(options).filter((key) => !allowed.has(key));
  if (unknown.length > 0) fail(`unknown option(s) ${unknown.join(', ')}.`, unknown.join(', '), `Use only: ${[...allowed].join(', ')}.`, unknown[0]);
  const { metric, concurrency, displayProgress, maxErrors, failureScore, signal } = options;
  if (options.devset !== undefined) assertExampleSet('Evaluate', 'devset', options.devset, EvaluationError);
  if (metric !== undefined && typeof metric !== 'function') fail('metric must be a function (example, prediction) => number | boolean.', metric, 'Pass e.g. { metric: answerExactMatch }.', 'metric');
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && (concurrency as number) >= 1)) fail('concurrency must be a whole number ≥ 1.', concurrency, 'Pass e.g. { concurrency: 8 }.', 'concurrency');
  if (displayProgress !== undefined && typeof displayProgress !== 'boolean') fail('displayProgress must be true or false.', displayProgress, 'Pass { displayProgress: true }.', 'displayProgress');
  if (maxErrors !== undefined && !((Number.isInteger(maxErrors) && (maxErrors as number) >= 0) || maxErrors === Infinity)) {
    fail('maxErrors must be a whole number ≥ 0 (or Infinity).', maxErrors, 'Pass e.g. { maxErrors: 10 }.', 'maxErrors');
  }
  if (failureScore !== undefined && !(typeof failureScore === 'number' && Number.isFinite(failureScore))) fail('failureScore must be a finite number.', failureScore, 'Pass e.g. { failureScore: 0 }.', 'failureScore');
  if (signal !== undefined && !(signal instanceof AbortSignal)) fail('signal must be an AbortSignal.', signal, 'Pass controller.signal.', 'signal');
}

/**
 * Runs a program over a devset in parallel and scores it with a metric (DSPy's `dspy.Evaluate`).
 * `run(program)` returns `{ score, results }`: the score is a percentage (0–100, two decimals).
 * @example
 * const evaluate = new Evaluate({ devset, metric: answerExactMatch, displayProgress: true });
 * const { score } = await evaluate.run(program);
 */
export class Evaluate {
  readonly devset: readonly Example[];
  readonly metric: Metric;
  readonly concurrency: number;
  readonly displayProgress: boolean;
  readonly maxErrors: number;
  readonly failureScore: number;
  readonly signal: AbortSignal | undefined;
  readonly #log: Logger;

  /** @throws {EvaluationError} EVALUATION_FAILED for an empty devset, a missing metric or a bad option. */
  constructor(options: EvaluateOptions) {
    const isObject: boolean = isPlainObject(options);
    if (!isObject) fail('options must be an object.', options, 'Pass { devset, metric }.', 'options');
    checkOptions(options as unknown as Record<string, unknown>, OPTION_KEYS);
    if (options.devset === undefined) assertExampleSet('Evaluate', 'devset', options.devset, EvaluationError);
    if (options.metric === undefined) fail('metric is required.', undefined, 'Pass e.g. { metric: answerExactMatch }.', 'metric');
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
  async run(program: Module, overrides: EvaluateRunOptions = {}): Promise<EvaluationResult> {
    if (!isModule(program)) fail('run() needs a Module to evaluate.', program, 'Pass your program, e.g. evaluate.run(new QA()).', 'program');
    const isObject: boolean = isPlainObject(overrides);
    if (!isObject) fail('run() options must be an object.', overrides, 'Pass e.g. { signal }.', 'overrides');
    checkOptions(overrides as Record<string, unknown>, RUN_OPTION_KEYS);
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
