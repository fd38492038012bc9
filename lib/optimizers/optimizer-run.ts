import { OptimizerError, describeProblem } from '../errors';
import { Evaluate } from '../evaluate/evaluate';
import type { EvaluationResult } from '../evaluate/evaluation-result';
import type { Metric } from '../evaluate/metric';
import type { BaseLM } from '../lm/base-lm';
import type { Logger } from '../logging/logger';
import type { Example } from '../primitives/example';
import type { Module } from '../primitives/module';
import { context, currentSettings } from '../settings/settings';
import { OptimizerBudget } from './optimizer-budget';

/** Any metric the budget can count: `Metric`, or GEPA's metric with feedback. */
export type CountableMetric = (...args: never[]) => unknown;

/** What one instruction-optimizer compile runs with. */
export interface OptimizerRunOptions<M extends CountableMetric = Metric> {
  owner: string;
  metric: M;
  /** The LM the program runs under (default the `context()`/`configure()` LM). */
  taskModel?: BaseLM;
  /** The LM that proposes instructions (default the task LM); GEPA passes its reflection LM. */
  promptModel?: BaseLM;
  /** Whether a prompt model is needed (true for all three; GEPA's reflection LM is a required option). */
  isPromptModelRequired: boolean;
  signal?: AbortSignal;
  concurrency: number;
  maxErrors: number;
  log: Logger;
  budget?: OptimizerBudget;
}

/**
 * One compile of an instruction optimizer (shared by COPRO, MIPROv2 and GEPA): the LMs (wrapped so
 * their calls are counted), the counted metric, cancellation, and evaluation of candidates.
 */
export class OptimizerRun<M extends CountableMetric = Metric> {
  readonly budget: OptimizerBudget;
  readonly metric: M;
  readonly taskLM: BaseLM | undefined;
  readonly promptLM: BaseLM | undefined;
  readonly signal: AbortSignal | undefined;
  readonly log: Logger;
  readonly #concurrency: number;
  readonly #maxErrors: number;

  /** @throws {OptimizerError} OPTIMIZER_INVALID when a prompt model is required and none is given or configured. */
  constructor(options: OptimizerRunOptions<M>) {
    this.budget = options.budget ?? new OptimizerBudget();
    this.metric = this.budget.countMetric(options.metric);
    const taskLM = options.taskModel ?? currentSettings().lm;
    const promptLM = options.promptModel ?? taskLM;
    if (options.isPromptModelRequired && promptLM === undefined) {
      throw new OptimizerError(
        describeProblem(
          `${options.owner}: no LM to propose instructions with.`,
          'no promptModel option and no configured LM',
          'Pass { promptModel: lm }, or call configure({ lm }) before compiling.',
        ),
        { details: { option: 'promptModel' } },
      );
    }
    this.taskLM = taskLM === undefined ? undefined : this.budget.countLM(taskLM);
    this.promptLM = promptLM === undefined ? undefined : this.budget.countLM(promptLM);
    this.signal = options.signal;
    this.log = options.log;
    this.#concurrency = options.concurrency;
    this.#maxErrors = options.maxErrors;
  }

  /** Program runs at once while scoring a candidate. */
  get concurrency(): number {
    return this.#concurrency;
  }

  /** Runs `fn` with token usage collected into the budget (wrap the whole compile in it). */
  scope<T>(fn: () => Promise<T>): Promise<T> {
    return context({ usage: this.budget.usage }, fn);
  }

  /** Rejects with the caller's `signal.reason` once the compile is cancelled. */
  throwIfAborted(): void {
    this.signal?.throwIfAborted();
  }

  /** Runs `fn` under the task LM (as the program runs during the compile). */
  withTaskModel<T>(fn: () => Promise<T>): Promise<T> {
    return this.taskLM === undefined ? fn() : context({ lm: this.taskLM }, fn);
  }

  /** Runs `fn` under the prompt LM (proposals). */
  withPromptModel<T>(fn: () => Promise<T>): Promise<T> {
    return this.promptLM === undefined ? fn() : context({ lm: this.promptLM }, fn);
  }

  /**
   * Scores `program` on `devset` under the task LM, as `Evaluate` does (a percentage).
   * @throws {EvaluationError} EVALUATION_FAILED after `maxErrors` failures; the caller's `signal.reason`.
   */
  async evaluate(this: OptimizerRun<Metric>, program: Module, devset: readonly Example[]): Promise<EvaluationResult> {
    this.throwIfAborted();
    const evaluate = new Evaluate({
      devset,
      metric: this.metric,
      concurrency: this.#concurrency,
      maxErrors: this.#maxErrors,
      displayProgress: false,
      logger: this.log,
    });
    return this.withTaskModel(() => evaluate.run(program, { signal: this.signal }));
  }
}
