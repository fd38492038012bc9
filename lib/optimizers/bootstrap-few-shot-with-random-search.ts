import { Evaluate } from '../evaluate/evaluate';
import type { Metric, MetricValue } from '../evaluate/metric';
import { getRootLogger, type Logger } from '../logging/logger';
import type { Example } from '../primitives/example';
import type { Module } from '../primitives/module';
import { BOOTSTRAP_OPTION_RULES, BootstrapFewShot, type BootstrapFewShotOptions } from './bootstrap-few-shot';
import { labelDemos } from './labeled-few-shot';
import { assertOptimizerExamples, assertProgram, COMPILE_RULES, COUNT_RULE, METRIC_RULE, optimizerFail, validateOptimizerOptions } from './optimizer-options';
import type { OptionRules } from '../util/validate-options';
import { SeededRandom } from '../util/seeded-random';
import type { CompileOptions, Teleprompter } from './teleprompter';

/** Options of `new BootstrapFewShotWithRandomSearch(options)`. */
export interface BootstrapFewShotWithRandomSearchOptions extends BootstrapFewShotOptions {
  /** Required: scores candidates on the valset and filters bootstrapped traces. */
  metric: Metric;
  /** Random candidates after the three fixed ones (default 16). */
  numCandidatePrograms?: number;
  /** Stop as soon as a candidate scores at least this (a percentage, like `Evaluate`'s score). */
  stopAtScore?: number;
}

/** Options of `BootstrapFewShotWithRandomSearch.compile`. */
export interface RandomSearchCompileOptions extends CompileOptions {
  /** Only these seeds (from −3 to `numCandidatePrograms − 1`) are tried (DSPy's `restrict`). */
  restrict?: readonly number[];
  /** Seed −2 samples its labeled demos (default true) or takes the first ones. */
  labeledSample?: boolean;
}

/** One candidate the search scored. */
export interface CandidateProgram<T extends Module = Module> {
  score: number;
  subscores: MetricValue[];
  seed: number;
  program: T;
}

/** The search's winner, with every candidate attached (best first), as DSPy's `candidate_programs`. */
export type RandomSearchResult<T extends Module> = T & { readonly candidatePrograms: CandidateProgram<T>[] };

const OPTION_RULES: OptionRules = {
  ...BOOTSTRAP_OPTION_RULES,
  metric: { ...METRIC_RULE, required: true },
  numCandidatePrograms: COUNT_RULE,
  stopAtScore: { kind: 'number' },
};
const COMPILE_OPTION_RULES: OptionRules = { ...COMPILE_RULES, restrict: { kind: 'any' }, labeledSample: { kind: 'boolean' } };

/**
 * DSPy's `BootstrapFewShotWithRandomSearch`: builds candidates and keeps the one that scores best
 * on the valset. Seed −3 is the zero-shot student, −2 labeled demos only, −1 BootstrapFewShot on
 * the trainset in order, and each seed ≥ 0 BootstrapFewShot on a trainset shuffled with that seed,
 * keeping a seeded random number (1…maxBootstrappedDemos) of bootstrapped demos.
 * @example
 * const search = new BootstrapFewShotWithRandomSearch({ metric, numCandidatePrograms: 8 });
 * const best = await search.compile(program, { trainset, valset });
 * const scores = best.candidatePrograms.map((candidate) => candidate.score); // best first
 */
export class BootstrapFewShotWithRandomSearch implements Teleprompter {
  readonly options: Readonly<BootstrapFewShotWithRandomSearchOptions>;
  readonly numCandidatePrograms: number;
  readonly stopAtScore: number | undefined;
  readonly #bootstrapOptions: BootstrapFewShotOptions;
  readonly #log: Logger;

  /** @throws {OptimizerError} OPTIMIZER_INVALID for a missing metric, `maxBootstrappedDemos` < 1 with random candidates, or a bad option. */
  constructor(options: BootstrapFewShotWithRandomSearchOptions) {
    const owner = 'BootstrapFewShotWithRandomSearch';
    validateOptimizerOptions(owner, options, OPTION_RULES);
    const { numCandidatePrograms = 16, stopAtScore, ...bootstrapOptions } = options;
    const probe = new BootstrapFewShot(bootstrapOptions);
    this.numCandidatePrograms = numCandidatePrograms;
    this.stopAtScore = stopAtScore;
    if (this.numCandidatePrograms > 0 && probe.maxBootstrappedDemos < 1) {
      optimizerFail(
        owner,
        'maxBootstrappedDemos must be ≥ 1 when random candidates are built.',
        probe.maxBootstrappedDemos,
        'Pass { maxBootstrappedDemos: 4 }, or numCandidatePrograms: 0.',
        {
          option: 'maxBootstrappedDemos',
        },
      );
    }
    this.options = { ...options };
    this.#bootstrapOptions = bootstrapOptions;
    this.#log = (options.logger ?? getRootLogger()).child({ component: 'random-search' });
  }

  /**
   * Builds and scores the candidates in seed order; returns the best (the first of equal scores),
   * `compiled === true`, with `candidatePrograms` attached, best first.
   * @throws {OptimizerError} OPTIMIZER_INVALID for bad sets, a student without predictors, or a `restrict` matching no seed.
   * @throws {EvaluationError} EVALUATION_FAILED from bootstrapping or scoring; the caller's `signal.reason`.
   */
  async compile<T extends Module>(student: T, options: RandomSearchCompileOptions): Promise<RandomSearchResult<T>> {
    const owner = 'BootstrapFewShotWithRandomSearch';
    const { signal, labeledSample = true } = validateOptimizerOptions(`${owner}.compile`, options, COMPILE_OPTION_RULES);
    signal?.throwIfAborted();
    assertProgram(owner, 'student', student, { arePredictorsRequired: true, isUncompiledRequired: true });
    assertOptimizerExamples(owner, 'trainset', options.trainset);
    if (options.valset !== undefined) assertOptimizerExamples(owner, 'valset', options.valset);
    const seeds = this.#seeds(options.restrict);
    const valset = options.valset ?? options.trainset;
    const { metric, maxBootstrappedDemos = 4, maxLabeledDemos = 16, maxErrors, concurrency, displayProgress = true, logger } = this.options;
    const evaluate = new Evaluate({ devset: valset, metric, concurrency, maxErrors, displayProgress, logger });

    const candidates: CandidateProgram<T>[] = [];
    let best: CandidateProgram<T> | undefined;
    for (const seed of seeds) {
      signal?.throwIfAborted();
      const program = await this.#candidate(student, seed, options, labeledSample, maxBootstrappedDemos, maxLabeledDemos);
      const result = await evaluate.run(program, { signal });
      const candidate: CandidateProgram<T> = { score: result.score, subscores: result.results.map(([, , score]) => score), seed, program };
      candidates.push(candidate);
      if (best === undefined || candidate.score > best.score) {
        best = candidate;
        this.#log.info({ seed, score: candidate.score }, 'new best score');
      }
      if (this.stopAtScore !== undefined && candidate.score >= this.stopAtScore) {
        this.#log.info({ seed, score: candidate.score, stopAtScore: this.stopAtScore }, 'stopping early');
        break;
      }
    }
    const winner = best!.program;
    winner.compiled = true;
    const ranked = [...candidates].sort((left, right) => right.score - left.score);
    // Not enumerable: deepcopy, introspection and saved state ignore it.
    Object.defineProperty(winner, 'candidatePrograms', { value: ranked, enumerable: false, configurable: true, writable: true });
    this.#log.info({ candidates: candidates.length, score: best!.score, seed: best!.seed }, 'random search finished');
    return winner as RandomSearchResult<T>;
  }

  #seeds(restrict: readonly number[] | undefined): number[] {
    const all = Array.from({ length: this.numCandidatePrograms + 3 }, (_, index) => index - 3);
    if (restrict === undefined) return all;
    if (!Array.isArray(restrict))
      optimizerFail('BootstrapFewShotWithRandomSearch', 'restrict must be a list of seeds.', restrict, 'Pass e.g. { restrict: [-1, 0, 1] }.', {
        option: 'restrict',
      });
    const chosen = all.filter((seed) => restrict.includes(seed));
    if (chosen.length === 0) {
      optimizerFail(
        'BootstrapFewShotWithRandomSearch',
        `restrict matches no candidate seed in −3…${this.numCandidatePrograms - 1}.`,
        restrict,
        'Include at least one seed from that range.',
        { option: 'restrict' },
      );
    }
    return chosen;
  }

  async #candidate<T extends Module>(
    student: T,
    seed: number,
    options: RandomSearchCompileOptions,
    labeledSample: boolean,
    maxBootstrappedDemos: number,
    maxLabeledDemos: number,
  ): Promise<T> {
    const trainset: Example[] = [...options.trainset];
    const teacher = options.teacher;
    if (seed === -3) {
      const zeroShot = student.resetCopy();
      zeroShot.compiled = true;
      return zeroShot;
    }
    if (seed === -2) return labelDemos(student, trainset, maxLabeledDemos, labeledSample);
    let size = maxBootstrappedDemos;
    if (seed >= 0) {
      new SeededRandom(seed).shuffle(trainset);
      // A fresh generator with the same seed picks the size, as DSPy does.
      size = new SeededRandom(seed).randint(1, maxBootstrappedDemos);
    }
    const optimizer = new BootstrapFewShot({ ...this.#bootstrapOptions, maxBootstrappedDemos: size });
    return optimizer.compile(student, { trainset, teacher, signal: options.signal });
  }
}
