import PQueue from 'p-queue';
import { EvaluationError, InputValidationError, describeProblem, describeValue, configurationError } from '../errors';
import { getRootLogger, LOGGER_OPTION_RULE, type Logger } from '../logging/logger';
import { Example } from '../primitives/example';
import type { Prediction } from '../primitives/prediction';
import { currentSignal } from '../util/call-scope';
import { isPlainObject } from '../util/is-plain-object';
import { validateOptions, type OptionRule, type OptionRules } from '../util/validate-options';

/** Anything with DSPy's module call shape: a `Module`, a `Predict`, or your own object with `forward`. */
export interface ParallelRunnable<T = Prediction> {
  forward(inputs: Record<string, unknown>, options?: { signal?: AbortSignal }): Promise<T>;
}

/** One unit of work: a module and what to run it on (an `Example` — its `inputs()` — or an object of inputs). */
export type ParallelPair<T = Prediction> = readonly [ParallelRunnable<T>, Example | Readonly<Record<string, unknown>>];

/** Options of `new Parallel(options)`. */
export interface ParallelOptions {
  /** How many pairs run at once (DSPy's `num_threads`, default 8). */
  concurrency?: number;
  /** Errors after which the remaining work is cancelled and the run fails (default 10, as DSPy). */
  maxErrors?: number;
  /** Resolve with `{ results, failedExamples, exceptions }` instead of the results alone. */
  returnFailedExamples?: boolean;
  /** Run an `Example` on its `inputs()` (default true); false passes the Example itself. */
  accessExamples?: boolean;
  /** Receives one error record per failed pair. */
  logger?: Logger;
}

/** Per-call options of `Parallel.forward`. */
export interface ParallelForwardOptions {
  signal?: AbortSignal;
  /** Overrides `concurrency` for this call. */
  concurrency?: number;
}

/** What `forward` resolves with when `returnFailedExamples` is set: results plus the failed examples and their errors, in pair order. */
export interface ParallelResult<T = Prediction> {
  results: (T | null)[];
  failedExamples: (Example | Readonly<Record<string, unknown>>)[];
  exceptions: unknown[];
}

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_MAX_ERRORS = 10;
const CONCURRENCY_RULE: OptionRule = { kind: 'integer', min: 1 };
const OPTION_RULES: OptionRules = {
  concurrency: CONCURRENCY_RULE,
  // As DSPy, 0 behaves like 1: the check runs when an error happens.
  maxErrors: { kind: 'integer', min: 0 },
  returnFailedExamples: { kind: 'boolean' },
  accessExamples: { kind: 'boolean' },
  logger: LOGGER_OPTION_RULE,
};
const FORWARD_RULES: OptionRules = { signal: { kind: 'signal' }, concurrency: CONCURRENCY_RULE };

function invalid(problem: string, received: unknown, fix: string): InputValidationError {
  return new InputValidationError(describeProblem(`Parallel: ${problem}`, describeValue(received), fix));
}

/**
 * DSPy's `Parallel`: runs `[module, example]` pairs, `concurrency` at a time (p-queue), and
 * resolves with their results in pair order, `null` for each pair that failed. Once failures reach
 * `maxErrors`, the remaining work is cancelled (running calls get an aborted signal, queued ones
 * never start) and the call rejects with `EvaluationError`. A nested `[parallel, pairs]` runs that
 * Parallel on the pairs, as in DSPy.
 * @example
 * const parallel = new Parallel({ concurrency: 4 });
 * const results = await parallel.forward(questions.map((question) => [qa, { question }] as const));
 */
export class Parallel<ReturnsFailedExamples extends boolean = false> {
  readonly concurrency: number;
  readonly maxErrors: number;
  readonly returnFailedExamples: ReturnsFailedExamples;
  readonly accessExamples: boolean;
  readonly #log: Logger;

  /** @throws {ConfigurationError} CONFIGURATION_INVALID for an unknown option or a bad number. */
  constructor(options: ParallelOptions & { returnFailedExamples?: ReturnsFailedExamples } = {}) {
    validateOptions('Parallel', options, OPTION_RULES, { error: configurationError });
    const { concurrency = DEFAULT_CONCURRENCY, maxErrors = DEFAULT_MAX_ERRORS } = options;
    this.concurrency = concurrency;
    this.maxErrors = maxErrors;
    this.returnFailedExamples = (options.returnFailedExamples === true) as ReturnsFailedExamples;
    this.accessExamples = options.accessExamples !== false;
    this.#log = (options.logger ?? getRootLogger()).child({ component: 'parallel' });
  }

  /**
   * Runs every pair and resolves with the results in pair order (`null` where a pair failed).
   * @throws {EvaluationError} EVALUATION_FAILED once `maxErrors` pairs failed (`cause`: the error that reached it).
   * @throws {InputValidationError} INPUT_INVALID when `pairs` is not an array of pairs.
   * @throws {ConfigurationError} CONFIGURATION_INVALID for an unknown per-call option or a bad `concurrency`.
   * @throws the caller's `signal.reason` when the signal aborts.
   */
  async forward<T = Prediction>(
    pairs: readonly ParallelPair<T>[],
    options: ParallelForwardOptions = {},
  ): Promise<ReturnsFailedExamples extends true ? ParallelResult<T> : (T | null)[]> {
    if (!Array.isArray(pairs) || !pairs.every((pair) => Array.isArray(pair) && pair.length === 2)) {
      throw invalid('forward takes an array of [module, example] pairs.', pairs, 'Pass e.g. [[qa, { question }], …].');
    }
    validateOptions('Parallel.forward', options, FORWARD_RULES, { error: configurationError });
    const callerSignal = options.signal ?? currentSignal();
    callerSignal?.throwIfAborted();
    const concurrency = options.concurrency ?? this.concurrency;
    const cancel = new AbortController();
    const signal = callerSignal === undefined ? cancel.signal : AbortSignal.any([callerSignal, cancel.signal]);
    const results: (T | null)[] = pairs.map(() => null);
    const failures: { index: number; error: unknown }[] = [];
    let limitError: unknown;
    const run = async (pair: ParallelPair<T>, index: number): Promise<void> => {
      if (signal.aborted) return;
      try {
        results[index] = (await this.#runPair(pair, signal)) as T;
      } catch (error) {
        // Work cut short by the cancellation (or the caller) is not a failure of its own.
        if (signal.aborted) return;
        failures.push({ index, error });
        this.#log.error({ err: error, index }, 'parallel item failed');
        if (failures.length >= this.maxErrors && limitError === undefined) {
          limitError = error;
          cancel.abort(error);
        }
      }
    };
    const queue = new PQueue({ concurrency });
    // Every task settles (run never throws), so nothing is left running when forward settles.
    await Promise.all(pairs.map((pair, index) => queue.add(() => run(pair, index))));
    if (callerSignal?.aborted) throw callerSignal.reason;
    if (limitError !== undefined) {
      throw new EvaluationError(
        describeProblem(
          `Parallel: ${failures.length} pair(s) failed, reaching maxErrors (${this.maxErrors}); the rest were cancelled.`,
          undefined,
          'See the cause for the last failure, or raise maxErrors.',
        ),
        {
          cause: limitError,
          details: { errors: failures.length, maxErrors: this.maxErrors },
        },
      );
    }
    if (!this.returnFailedExamples) return results as never;
    failures.sort((left, right) => left.index - right.index);
    const result: ParallelResult<T> = { results, failedExamples: failures.map(({ index }) => pairs[index][1]), exceptions: failures.map(({ error }) => error) };
    return result as never;
  }

  #runPair(pair: ParallelPair<unknown>, signal: AbortSignal): Promise<unknown> {
    const [module, example] = pair as readonly [unknown, unknown];
    if (module instanceof Parallel && Array.isArray(example)) return module.forward(example as ParallelPair[], { signal });
    if (module === null || typeof (module as ParallelRunnable<unknown>).forward !== 'function') {
      return Promise.reject(invalid('the first item of a pair must have a forward method.', module, 'Pass [module, example].'));
    }
    const runnable = module as ParallelRunnable<unknown>;
    if (example instanceof Example)
      return runnable.forward(this.accessExamples ? example.inputs().toJSON() : (example as unknown as Record<string, unknown>), { signal });
    if (isPlainObject(example)) return runnable.forward(example, { signal });
    return Promise.reject(
      invalid('an example must be an Example or an object of inputs.', example, 'Pass [module, { question }] or [module, example.withInputs(...)].'),
    );
  }
}
