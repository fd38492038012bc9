import { percentage } from '../../evaluate/example-set';
import type { BaseLM } from '../../lm/base-lm';
import { getRootLogger, type Logger } from '../../logging/logger';
import type { Module } from '../../primitives/module';
import {
  LM_RULE,
  RUN_OPTION_RULES,
  attachOptimization,
  checkInstructionCompile,
  checkOptimizerOptions,
  type InstructionOptimizerRunOptions,
  type OptimizationSummary,
  type OptimizedProgram,
} from '../instruction-optimizer-options';
import { OptimizerBudget } from '../optimizer-budget';
import { COUNT_RULE, optimizerFail } from '../optimizer-options';
import { createOptimizerProgress } from '../optimizer-progress';
import { OptimizerRun } from '../optimizer-run';
import type { CompileOptions, Teleprompter } from '../teleprompter';
import { GEPA_AUTO_CANDIDATES, gepaAutoBudget, type GEPAAuto } from './gepa-budget';
import { programWith, runGEPA } from './gepa-engine';
import type { GEPAMetric } from './gepa-metric';
import { paretoFrontOf } from './pareto-front';

/** Options of `new GEPA(options)`. Exactly one budget: `auto`, `maxFullEvals` or `maxMetricCalls`. */
export interface GEPAOptions extends Omit<InstructionOptimizerRunOptions, 'maxErrors' | 'displayProgress'> {
  /** Scores a prediction: a number, a boolean, or `{ score, feedback }` (the feedback is what GEPA reflects on). */
  metric: GEPAMetric;
  /** The LM that reads the feedback and writes new instructions (a strong model pays off here). */
  reflectionLM: BaseLM;
  /** A preset budget computed as DSPy's `auto_budget`: `'light'` (6 candidates), `'medium'` (12), `'heavy'` (18). */
  auto?: GEPAAuto;
  /** Budget as full passes over trainset + valset. */
  maxFullEvals?: number;
  /** Budget as metric calls (examples run and scored); never exceeded. */
  maxMetricCalls?: number;
  /** Training examples per reflection. @default 3 */
  reflectionMinibatchSize?: number;
  /** How the candidate to mutate is chosen: `'pareto'` (sampled from the per-example frontier) or `'current_best'`. @default 'pareto' */
  candidateSelectionStrategy?: 'pareto' | 'current_best';
  /** Tries merging two frontier candidates after each new one (at most 5 merges). @default true */
  useMerge?: boolean;
  /** Seed of the search's random draws. @default 0 */
  seed?: number;
  /** Adds `candidates` and `paretoFront` to `compiled.optimization`. @default false */
  trackStats?: boolean;
  /** Shows a progress bar with the best score on a terminal (pino `info` records otherwise). @default false */
  displayProgress?: boolean;
}

/** One candidate GEPA kept (with `trackStats`). */
export interface GEPACandidate {
  /** Each predictor's instruction, by name. */
  instructions: Record<string, string>;
  /** Its score on each valset example. */
  scores: number[];
  /** The mean valset score as a percentage (0–100). */
  score: number;
  /** The candidates it came from: none for the student, one for a mutation, two for a merge. */
  parents: number[];
  /** Metric calls spent when it was found. */
  discoveredAtMetricCalls: number;
}

/**
 * `compiled.optimization` for GEPA: `score` is the returned program's valset score (0–100, as
 * `Evaluate`), `lmCalls` the task-LM requests of the rollouts plus the reflection LM's, `metricCalls`
 * the examples run and scored (at most the budget), `usage` the tokens of every LM call.
 */
export interface GEPAOptimization extends OptimizationSummary {
  /** With `trackStats`: every candidate kept, in discovery order (index 0 is the student's instructions). */
  candidates?: GEPACandidate[];
  /** With `trackStats`: per valset example, the candidates that reach the best score on it. */
  paretoFront?: number[][];
}

/** A program compiled by GEPA. */
export type GEPAProgram<T extends Module> = OptimizedProgram<T, GEPAOptimization>;

// DSPy's GEPA has `num_threads` (concurrency) but no `max_errors`: a failed run scores 0 (its `failure_score`).
const { maxErrors: _maxErrors, ...GEPA_RUN_RULES } = RUN_OPTION_RULES;
const OPTION_RULES = {
  metric: { kind: 'function', required: true },
  reflectionLM: { ...LM_RULE, required: true },
  auto: { kind: 'oneOf', values: ['light', 'medium', 'heavy'] },
  maxFullEvals: { kind: 'integer', min: 1 },
  maxMetricCalls: { kind: 'integer', min: 1 },
  reflectionMinibatchSize: { kind: 'integer', min: 1 },
  candidateSelectionStrategy: { kind: 'oneOf', values: ['pareto', 'current_best'] },
  useMerge: { kind: 'boolean' },
  seed: COUNT_RULE,
  trackStats: { kind: 'boolean' },
  ...GEPA_RUN_RULES,
} as const;
const COMPILE_KEYS = ['trainset', 'valset', 'teacher', 'signal'];

/**
 * DSPy's `GEPA` (reflective prompt evolution, driving the gepa package's engine): runs the program on
 * a few training examples, shows a reflection LM what each predictor received and produced with the
 * metric's feedback, takes its rewritten instruction when it scores better on those examples, and
 * keeps every improvement on a per-example Pareto frontier over the valset.
 * @example
 * const gepa = new GEPA({ metric, reflectionLM, maxMetricCalls: 200 });
 * const compiled = await gepa.compile(program, { trainset, valset });
 * const { score, metricCalls } = compiled.optimization; // score 0–100, metricCalls ≤ 200
 */
export class GEPA implements Teleprompter {
  readonly options: Readonly<GEPAOptions>;
  readonly #log: Logger;

  /** @throws {OptimizerError} OPTIMIZER_INVALID for a missing metric or reflectionLM, zero or two budgets, or a bad option. */
  constructor(options: GEPAOptions) {
    checkOptimizerOptions<GEPAOptions>('GEPA', options, OPTION_RULES);
    const budgets = (['auto', 'maxFullEvals', 'maxMetricCalls'] as const).filter((key) => options[key] !== undefined);
    if (budgets.length !== 1) {
      optimizerFail(
        'GEPA',
        'exactly one budget must be set.',
        budgets.length === 0 ? 'none of auto, maxFullEvals, maxMetricCalls' : budgets.join(' and '),
        "Pass one of { auto: 'light' }, { maxFullEvals: 5 } or { maxMetricCalls: 500 }.",
        {
          option: budgets[1] ?? 'auto',
        },
      );
    }
    this.options = { ...options };
    this.#log = (options.logger ?? getRootLogger()).child({ component: 'gepa' });
  }

  /**
   * Searches instructions for `student`'s predictors; returns a new program with the best
   * candidate's instructions (`compiled === true`, `optimization` attached); the student is unchanged.
   * @throws {OptimizerError} OPTIMIZER_INVALID for bad sets, a `teacher` (not supported, as in DSPy), or a budget smaller than one valset pass.
   * @throws {EvaluationError} EVALUATION_FAILED when the metric returns a wrong type; the caller's `signal.reason`.
   */
  async compile<T extends Module>(student: T, options: CompileOptions): Promise<GEPAProgram<T>> {
    const signal = checkInstructionCompile('GEPA', student, options, COMPILE_KEYS);
    if (options.teacher !== undefined)
      optimizerFail('GEPA', 'a teacher is not supported (as in DSPy).', 'a teacher program', 'Leave teacher out.', { option: 'teacher' });
    const { trainset } = options;
    const valset = options.valset ?? trainset;
    const maxMetricCalls = this.#budget(student, trainset.length, options.valset?.length);
    if (maxMetricCalls < valset.length) {
      optimizerFail(
        'GEPA',
        'the budget cannot score the program once on the valset.',
        `${maxMetricCalls} metric calls for ${valset.length} valset examples`,
        'Raise the budget or pass a smaller valset.',
        { option: 'maxMetricCalls' },
      );
    }
    const run = new OptimizerRun<GEPAMetric>({
      owner: 'GEPA',
      metric: this.options.metric,
      promptModel: this.options.reflectionLM,
      isPromptModelRequired: true,
      signal,
      concurrency: this.options.concurrency ?? 16,
      // Unused: rollouts score a failed run 0 instead of counting errors.
      maxErrors: Infinity,
      log: this.#log,
      budget: new OptimizerBudget({ maxMetricCalls }),
    });
    return run.scope(() => this.#compile(student, trainset, valset, run));
  }

  async #compile<T extends Module>(
    student: T,
    trainset: CompileOptions['trainset'],
    valset: CompileOptions['trainset'],
    run: OptimizerRun<GEPAMetric>,
  ): Promise<GEPAProgram<T>> {
    const {
      reflectionMinibatchSize = 3,
      candidateSelectionStrategy = 'pareto',
      useMerge = true,
      seed = 0,
      trackStats = false,
      displayProgress = false,
    } = this.options;
    const { budget } = run;
    const progress = createOptimizerProgress({ isEnabled: displayProgress, total: budget.maxMetricCalls, label: 'GEPA', log: this.#log });
    this.#log.info({ maxMetricCalls: budget.maxMetricCalls, trainset: trainset.length, valset: valset.length }, 'gepa started');
    try {
      const pool = await runGEPA({
        student,
        trainset,
        valset,
        run,
        minibatchSize: reflectionMinibatchSize,
        selection: candidateSelectionStrategy,
        useMerge,
        seed,
        onProgress: (best) => progress.step(budget.metricCalls, percentage(best, 1)),
      });
      const best = pool.aggregateScores.indexOf(Math.max(...pool.aggregateScores));
      const compiled = programWith(student, pool.candidates[best]) as T;
      compiled.compiled = true;
      const optimization: GEPAOptimization = { score: percentage(pool.aggregateScores[best], 1), ...budget.snapshot() };
      if (trackStats) {
        optimization.candidates = pool.candidates.map((instructions, index) => ({
          instructions: { ...instructions },
          scores: [...pool.valScores[index]],
          score: percentage(pool.aggregateScores[index], 1),
          parents: [...pool.parents[index]],
          discoveredAtMetricCalls: pool.discoveredAt[index],
        }));
        optimization.paretoFront = paretoFrontOf(pool.valScores);
      }
      this.#log.info({ score: optimization.score, candidates: pool.candidates.length, metricCalls: optimization.metricCalls }, 'gepa finished');
      return attachOptimization(compiled, optimization);
    } finally {
      progress.stop();
    }
  }

  /** The metric-call budget as DSPy computes it from `auto`, `maxFullEvals` or `maxMetricCalls`. */
  #budget(student: Module, trainsetSize: number, valsetSize: number | undefined): number {
    const { auto, maxFullEvals, maxMetricCalls } = this.options;
    if (auto !== undefined) return gepaAutoBudget(Math.max(student.namedPredictors().length, 1), GEPA_AUTO_CANDIDATES[auto], valsetSize ?? trainsetSize);
    if (maxFullEvals !== undefined) return maxFullEvals * (trainsetSize + (valsetSize ?? 0));
    return maxMetricCalls!;
  }
}
