import PQueue from 'p-queue';
import { DspexError, EvaluationError, describeProblem } from '../errors';
import type { Metric, MetricValue } from '../evaluate/metric';
import { createProgressDisplay } from '../evaluate/progress-display';
import { runEvaluation } from '../evaluate/run-evaluation';
import { getRootLogger, LOGGER_OPTION_RULE, type Logger } from '../logging/logger';
import type { Example } from '../primitives/example';
import type { Module } from '../primitives/module';
import type { OptionRules } from '../util/validate-options';
import {
  assertOptimizerExamples,
  assertProgram,
  COMPILE_RULES,
  CONCURRENCY_RULE,
  COUNT_RULE,
  MAX_ERRORS_RULE,
  METRIC_RULE,
  optimizerFail,
  validateOptimizerOptions,
} from './optimizer-options';
import { gridCandidates, randomCandidates, searchDimensions, type ParameterValues, type SearchDimension } from './parameter-space';
import { SeededRandom } from '../util/seeded-random';
import type { CompileOptions, Teleprompter } from './teleprompter';

/** Options of `new ParameterSearch(options)`. */
export interface ParameterSearchOptions {
  /** Scores each candidate on the valset, as `Evaluate` does. */
  metric: Metric;
  /** `'random'` (default) draws `trials` points; `'grid'` tries every combination of `gridSize` values per parameter. */
  strategy?: 'random' | 'grid';
  /** Random: points drawn (default 16). Grid: the most points allowed (default 1000). The current values are always tried too. */
  trials?: number;
  /** Seeds the random draws (default 0): the same seed gives the same candidates. */
  seed?: number;
  /** Program runs at once, over all candidates (default 16). */
  concurrency?: number;
  /** Grid values per numeric parameter (default 5; whole-number ranges with fewer values try them all). */
  gridSize?: number;
  /** Only these parameter paths (default: every scalar parameter with requiresGrad). */
  parameters?: readonly string[];
  /** A candidate's evaluation fails once this many examples failed, and the search with it (default 10). */
  maxErrors?: number;
  /** The score of an example whose program or metric threw (default 0). */
  failureScore?: number;
  /** A progress bar on a terminal (default true; silent when not a TTY). */
  displayProgress?: boolean;
  logger?: Logger;
}

/** One evaluated point of the search. */
export interface ParameterTrial {
  values: ParameterValues;
  /** Evaluate's percentage on the valset. */
  score: number;
  subscores: MetricValue[];
  /** True for the program's own values before the search. */
  isBaseline: boolean;
}

/** What a search found, attached to the returned program as `searchResults`. */
export interface ParameterSearchResults {
  best: ParameterTrial;
  baseline: ParameterTrial | undefined;
  /** Every evaluated point, in the order they were generated (baseline first). */
  trials: ParameterTrial[];
}

/** The tuned copy, with the search's results attached. */
export type ParameterSearchResult<T extends Module> = T & { readonly searchResults: ParameterSearchResults };

const OPTION_RULES: OptionRules = {
  metric: { ...METRIC_RULE, required: true },
  strategy: { kind: 'oneOf', values: ['random', 'grid'] },
  trials: { kind: 'integer', min: 1 },
  seed: COUNT_RULE,
  concurrency: CONCURRENCY_RULE,
  gridSize: { kind: 'integer', min: 1 },
  parameters: {
    kind: 'custom',
    check: (value) =>
      Array.isArray(value) && value.length > 0 && value.every((path) => typeof path === 'string')
        ? undefined
        : "a non-empty list of parameter paths, e.g. ['retrieve.k']",
  },
  maxErrors: MAX_ERRORS_RULE,
  failureScore: { kind: 'number' },
  displayProgress: { kind: 'boolean' },
  logger: LOGGER_OPTION_RULE,
};
const OWNER = 'ParameterSearch';

/**
 * dspex's own optimizer for what DSPy has no notion of: the scalar `@Parameter`s of a program
 * (a retriever's `k`, a threshold, a mode). It searches those with `requiresGrad` within their
 * class-validator constraints (`@Min`/`@Max`, `@IsInt`, `@IsIn`), scores each candidate on the
 * valset with the metric, and returns a copy holding the best values (recorded in each parameter's history).
 * @example
 * const search = new ParameterSearch({ metric: answerExactMatch, strategy: 'grid' });
 * const tuned = await search.compile(program, { trainset, valset });
 * const { values, score } = tuned.searchResults.best; // e.g. { 'retrieve.k': 3 }, 80
 */
export class ParameterSearch implements Teleprompter {
  readonly metric: Metric;
  readonly strategy: 'random' | 'grid';
  readonly trials: number;
  readonly seed: number;
  readonly concurrency: number;
  readonly gridSize: number;
  readonly parameters: readonly string[] | undefined;
  readonly maxErrors: number;
  readonly failureScore: number;
  readonly displayProgress: boolean;
  readonly #log: Logger;

  /** @throws {OptimizerError} OPTIMIZER_INVALID for a missing metric, an unknown strategy or a bad count. */
  constructor(options: ParameterSearchOptions) {
    const checked = validateOptimizerOptions(OWNER, options, OPTION_RULES);
    this.metric = checked.metric;
    this.strategy = checked.strategy ?? 'random';
    this.trials = checked.trials ?? (this.strategy === 'random' ? 16 : 1000);
    this.seed = checked.seed ?? 0;
    this.concurrency = checked.concurrency ?? 16;
    this.gridSize = checked.gridSize ?? 5;
    this.parameters = checked.parameters === undefined ? undefined : [...checked.parameters];
    this.maxErrors = checked.maxErrors ?? 10;
    this.failureScore = checked.failureScore ?? 0;
    this.displayProgress = checked.displayProgress ?? true;
    this.#log = (checked.logger ?? getRootLogger()).child({ component: 'parameter-search' });
  }

  /**
   * Evaluates the candidates (the current values first) side by side and returns a copy of
   * `student` with the best values assigned, `compiled === true`, and `searchResults` attached.
   * Ties keep the earlier candidate, so the current values win unless beaten. `teacher` is not used.
   * @throws {OptimizerError} OPTIMIZER_INVALID for empty sets, nothing to search, a number without `@Min`/`@Max`, or a grid larger than `trials`.
   * @throws {EvaluationError} EVALUATION_FAILED when a candidate's evaluation fails (`maxErrors`, or a metric returning a wrong type); the caller's `signal.reason`.
   */
  async compile<T extends Module>(student: T, options: CompileOptions): Promise<ParameterSearchResult<T>> {
    const { signal } = validateOptimizerOptions(`${OWNER}.compile`, options, COMPILE_RULES);
    signal?.throwIfAborted();
    assertProgram(OWNER, 'student', student, { arePredictorsRequired: false, isUncompiledRequired: false });
    assertOptimizerExamples(OWNER, 'trainset', options.trainset);
    if (options.valset !== undefined) assertOptimizerExamples(OWNER, 'valset', options.valset);
    const valset = options.valset ?? options.trainset;
    const dimensions = searchDimensions(student, this.parameters);
    const candidates = this.#candidates(student, dimensions);
    const trials = await this.#evaluateAll(student, candidates, valset, signal);

    let best = trials[0];
    for (const trial of trials) if (trial.score > best.score) best = trial;
    const tuned = student.deepcopy();
    for (const dimension of dimensions) tuned.parameter(dimension.path).assign(best.values[dimension.path]);
    tuned.compiled = true;
    const results: ParameterSearchResults = { best, baseline: trials.find((trial) => trial.isBaseline), trials };
    Object.defineProperty(tuned, 'searchResults', { value: results, enumerable: false, configurable: true, writable: true });
    this.#log.info({ candidates: trials.length, score: best.score, values: best.values }, 'parameter search finished');
    return tuned as ParameterSearchResult<T>;
  }

  /** The current values (when valid), then the strategy's points; duplicates and values the constraints reject are dropped. */
  #candidates(student: Module, dimensions: readonly SearchDimension[]): { values: ParameterValues; isBaseline: boolean }[] {
    const baseline: ParameterValues = {};
    for (const dimension of dimensions) baseline[dimension.path] = student.getParameter(dimension.path);
    const generated =
      this.strategy === 'grid'
        ? gridCandidates(dimensions, this.gridSize, this.trials)
        : randomCandidates(dimensions, this.trials, new SeededRandom(this.seed));
    const seen = new Set<string>();
    const candidates: { values: ParameterValues; isBaseline: boolean }[] = [];
    [baseline, ...generated].forEach((values, index) => {
      const key = JSON.stringify(dimensions.map((dimension) => values[dimension.path]));
      const isValid = dimensions.every(
        (dimension) => values[dimension.path] !== undefined && student.parameter(dimension.path).check(values[dimension.path]).length === 0,
      );
      if (seen.has(key) || !isValid) return;
      seen.add(key);
      candidates.push({ values, isBaseline: index === 0 });
    });
    if (candidates.length === 0)
      optimizerFail(
        OWNER,
        "no candidate satisfies the parameters' constraints.",
        dimensions.map((dimension) => dimension.path),
        'Check the class-validator constraints of the searched parameters.',
      );
    return candidates;
  }

  /** Evaluates every candidate on a copy of the student through one queue; the first failure cancels the rest. */
  async #evaluateAll(
    student: Module,
    candidates: { values: ParameterValues; isBaseline: boolean }[],
    valset: readonly Example[],
    signal: AbortSignal | undefined,
  ): Promise<ParameterTrial[]> {
    const queue = new PQueue({ concurrency: this.concurrency });
    const controller = new AbortController();
    const forwardAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', forwardAbort, { once: true });
    const progress = createProgressDisplay({ isEnabled: this.displayProgress, total: candidates.length * valset.length, label: OWNER });
    const completedPerCandidate = new Array<number>(candidates.length).fill(0);
    let completedTotal = 0;
    let bestScore: number | undefined;
    let failure: unknown;
    const trials = new Array<ParameterTrial>(candidates.length);
    try {
      await Promise.all(
        candidates.map(async ({ values, isBaseline }, index) => {
          try {
            const program = student.deepcopy();
            for (const [path, value] of Object.entries(values)) program.parameter(path).assign(value);
            const result = await runEvaluation({
              program,
              devset: valset,
              metric: this.metric,
              queue,
              maxErrors: this.maxErrors,
              failureScore: this.failureScore,
              signal: controller.signal,
              log: this.#log,
              onProgress: progress.isVisible
                ? (completed) => {
                    completedTotal += completed - completedPerCandidate[index];
                    completedPerCandidate[index] = completed;
                    progress.update(completedTotal, bestScore === undefined ? '' : `best ${bestScore.toFixed(2)}`);
                  }
                : undefined,
            });
            trials[index] = { values, score: result.score, subscores: result.results.map(([, , score]) => score), isBaseline };
            bestScore = Math.max(bestScore ?? -Infinity, result.score);
            this.#log.debug({ candidate: index, score: result.score, values }, 'candidate evaluated');
          } catch (error) {
            if (failure === undefined && !signal?.aborted) {
              failure = error;
              controller.abort(error);
            }
          }
        }),
      );
    } finally {
      signal?.removeEventListener('abort', forwardAbort);
      progress.stop();
    }
    if (signal?.aborted) throw signal.reason;
    if (failure !== undefined) throw DspexError.is(failure) ? failure : wrapFailure(failure);
    return trials;
  }
}

function wrapFailure(error: unknown): EvaluationError {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new EvaluationError(describeProblem('A candidate of the parameter search failed.', message, 'See the cause; fix the program or metric.'), {
    cause: error,
  });
}
