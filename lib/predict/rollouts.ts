import type { Adapter } from '../adapters/adapter';
import { DspexError, EvaluationError, LMNotConfiguredError, describeProblem, describeValue, configurationError } from '../errors';
import type { BaseLM } from '../lm/base-lm';
import { isModule } from '../primitives/module-brand';
import type { ForwardOptions, Module } from '../primitives/module';
import type { Prediction } from '../primitives/prediction';
import { getRootLogger, LOGGER_OPTION_RULE, type Logger } from '../logging/logger';
import { context, currentSettings, type TraceEntry } from '../settings/settings';
import { validateOption, validateOptions, type OptionRule } from '../util/validate-options';

/** Scores one attempt: DSPy's `reward_fn(inputs, prediction)`; higher is better. May be async. */
export type RewardFunction = (inputs: Readonly<Record<string, unknown>>, prediction: Prediction) => number | boolean | Promise<number | boolean>;

/** What BestOfN and Refine share: DSPy's `N`, `reward_fn`, `threshold` and `fail_count`, camelCased. */
export interface RolloutOptions {
  /** How many attempts at most (DSPy's `N`). */
  n: number;
  rewardFn: RewardFunction;
  /** An attempt scoring at least this ends the search early. */
  threshold?: number;
  /** How many failed attempts are tolerated before the error is rethrown (default `n`). */
  failCount?: number;
}

/** One finished attempt. */
export interface RolloutResult {
  readonly prediction: Prediction;
  /** The predictor calls the attempt made (the reward function's own calls are left out, as DSPy). */
  readonly trace: TraceEntry[];
  readonly reward: number;
}

/** Per-call options of `BestOfN.forward` and `Refine.forward`. */
export interface RolloutForwardOptions extends ForwardOptions {
  /** The LM this call's attempts copy (at temperature 1.0, one rollout id each), instead of the module's or the configured one. */
  lm?: BaseLM;
}

/** A threshold: any number but NaN (DSPy compares with `>=`, so ±Infinity are meaningful). */
const THRESHOLD_RULE: OptionRule = { kind: 'custom', check: (value) => (typeof value === 'number' && !Number.isNaN(value) ? undefined : 'a number, e.g. 1.0') };

const LM_RULE: OptionRule = {
  kind: 'custom',
  check: (value) => (value !== null && typeof (value as BaseLM).call === 'function' ? undefined : 'an LM (a BaseLM subclass)'),
};

/**
 * Checks the options BestOfN and Refine take.
 * @throws {ConfigurationError} CONFIGURATION_INVALID naming the bad option (`details.option`, and `suggestion` for a near miss).
 */
export function assertRolloutOptions(owner: string, module: unknown, options: unknown, isThresholdRequired: boolean): asserts options is RolloutOptions {
  validateOption(
    owner,
    'module',
    module,
    { kind: 'custom', required: true, check: (value) => (isModule(value) ? undefined : "a Module to run, e.g. new ChainOfThought('question -> answer')") },
    { error: configurationError },
  );
  validateOptions(
    owner,
    options,
    {
      n: { kind: 'integer', min: 1, required: true },
      rewardFn: { kind: 'function', required: true },
      threshold: { ...THRESHOLD_RULE, required: isThresholdRequired },
      failCount: { kind: 'integer', min: 0 },
      logger: LOGGER_OPTION_RULE,
    },
    { error: configurationError, allowUndefined: false },
  );
}

/**
 * Checks the per-call options of BestOfN and Refine: `signal` and `lm` (as `Predict` takes them).
 * @throws {ConfigurationError} CONFIGURATION_INVALID for anything else, so a per-call option is never silently ignored.
 */
export function checkRolloutForwardOptions(owner: string, options: unknown): RolloutForwardOptions {
  validateOptions(`${owner}.forward`, options, { signal: { kind: 'signal' }, lm: LM_RULE }, { error: configurationError });
  return (options ?? {}) as RolloutForwardOptions;
}

/**
 * The LM rollouts copy: the one all of the module's predictors use, else the configured LM
 * (DSPy's `module.get_lm() or settings.lm`).
 * @throws {LMNotConfiguredError} LM_NOT_CONFIGURED when there is none.
 */
function rolloutBaseLM(owner: string, module: Module): BaseLM {
  const lm = module.getLM() ?? currentSettings().lm;
  if (lm === undefined) {
    throw new LMNotConfiguredError(
      describeProblem(`${owner} has no LM to copy for its rollouts.`, 'no predictor LM and no configured lm', 'Call configure({ lm }) or module.setLM(lm).'),
    );
  }
  return lm;
}

/** Attempt `index`'s LM: a copy at temperature 1.0 with its own rollout id (start + index), so the cache never repeats an attempt. */
function rolloutLM(base: BaseLM, index: number): BaseLM {
  const start = typeof base.options.rolloutId === 'number' ? base.options.rolloutId : 0;
  return base.copy({ rolloutId: start + index, temperature: 1 });
}

/**
 * Runs a prepared copy of the module under a fresh trace (and `adapter`, when given), then scores it.
 * @throws {EvaluationError} EVALUATION_FAILED when the reward is not a number or boolean; anything the module or reward function throws.
 */
export async function runRollout(
  copy: Module,
  request: { inputs: Readonly<Record<string, unknown>>; rewardFn: RewardFunction; signal: AbortSignal | undefined; adapter?: Adapter },
): Promise<RolloutResult> {
  const trace: TraceEntry[] = [];
  const overrides = request.adapter === undefined ? { trace } : { trace, adapter: request.adapter };
  return context(overrides, async () => {
    const prediction = await copy.forward({ ...request.inputs }, { signal: request.signal });
    const attemptTrace = [...trace];
    // Inside the throwaway trace, so an LM-judged reward leaves no entries in the caller's trace.
    const reward = await request.rewardFn({ ...request.inputs }, prediction);
    if (typeof reward === 'boolean') return { prediction, trace: attemptTrace, reward: Number(reward) };
    if (typeof reward !== 'number' || Number.isNaN(reward)) {
      throw new EvaluationError(
        describeProblem(
          'The reward function must return a number or a boolean.',
          describeValue(reward),
          'Return e.g. 1.0 for a good prediction and 0.0 for a bad one.',
        ),
      );
    }
    return { prediction, trace: attemptTrace, reward };
  });
}

/**
 * DSPy's failure rule for BestOfN and Refine, per call: the failure of attempt `index` is rethrown
 * when `index > remaining`; otherwise one is taken off `remaining` and the next attempt runs.
 */
class FailureBudget {
  #remaining: number;

  constructor(failCount: number) {
    this.#remaining = failCount;
  }

  /** Records a failure of attempt `index` (0-based); true when it must be rethrown. */
  isExhaustedBy(index: number): boolean {
    if (index > this.#remaining) return true;
    this.#remaining -= 1;
    return false;
  }
}

/** The error a failed rollout search rejects with: dspex errors as they are, anything else wrapped. */
function rolloutError(owner: string, error: unknown): DspexError {
  if (DspexError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new EvaluationError(
    describeProblem(`${owner}: an attempt failed: ${message}`, undefined, 'See the cause (the module or the reward function threw).'),
    { cause: error },
  );
}

/**
 * Rejects when every attempt failed but none was rethrown (DSPy returns None then; a dspex
 * module always returns a Prediction).
 */
function noPredictionError(owner: string, attempts: number, lastError: unknown): EvaluationError {
  return new EvaluationError(
    describeProblem(`${owner}: all ${attempts} attempt(s) failed.`, undefined, 'See the cause for the last failure; raise n or fix the module.'),
    {
      cause: lastError,
      details: { attempts },
    },
  );
}

/** Appends the chosen attempt's trace to the caller's trace, if one is being recorded (DSPy extends `settings.trace`). */
function extendCallerTrace(entries: readonly TraceEntry[]): void {
  const { trace, maxTraceSize = 10_000 } = currentSettings();
  if (trace === undefined || entries.length === 0) return;
  trace.push(...entries);
  if (trace.length > maxTraceSize) trace.splice(0, trace.length - maxTraceSize);
}

/** The loop settings BestOfN and Refine share. */
export interface AttemptLoop {
  readonly owner: 'BestOfN' | 'Refine';
  readonly module: Module;
  readonly n: number;
  readonly failCount: number;
  readonly threshold: number | undefined;
  readonly logger: Logger | undefined;
  readonly signal: AbortSignal | undefined;
  /** A per-call LM, copied for the attempts instead of the module's or the configured one. */
  readonly lm?: BaseLM;
}

/**
 * DSPy's attempt loop of BestOfN and Refine: up to `n` attempts, each on a deep copy of the module
 * using `rolloutLM(base, index)`; the best reward (strictly greater) wins; an attempt reaching
 * `threshold` ends the loop. Failures are tolerated under the `failCount` rule. `between` runs
 * after every attempt but the last that missed the threshold (Refine's feedback step); if it
 * throws, that counts as the attempt failing. The chosen attempt's trace joins the caller's.
 * @throws the caller's `signal.reason`; `rolloutError` once failures exceed the budget; `noPredictionError` when all failed.
 */
export async function runAttemptLoop(
  loop: AttemptLoop,
  attempt: (copy: Module, index: number) => Promise<RolloutResult>,
  between?: (copy: Module, result: RolloutResult, base: BaseLM) => Promise<void>,
): Promise<Prediction> {
  const { owner, module, n, threshold, signal } = loop;
  const base = loop.lm ?? rolloutBaseLM(owner, module);
  const budget = new FailureBudget(loop.failCount);
  const log = (loop.logger ?? getRootLogger()).child({ component: owner === 'BestOfN' ? 'best-of-n' : 'refine' });
  let best: RolloutResult | undefined;
  let lastError: unknown;
  for (let index = 0; index < n; index += 1) {
    signal?.throwIfAborted();
    const lm = rolloutLM(base, index);
    const copy = module.deepcopy().setLM(lm);
    try {
      const result = await attempt(copy, index);
      if (best === undefined || result.reward > best.reward) best = result;
      if ((threshold !== undefined && result.reward >= threshold) || index === n - 1) break;
      await between?.(copy, result, base);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      log.warn({ err: error, attempt: index + 1, rolloutId: lm.options.rolloutId }, 'attempt failed');
      if (budget.isExhaustedBy(index)) throw rolloutError(owner, error);
      lastError = error;
    }
  }
  if (best === undefined) throw noPredictionError(owner, n, lastError);
  extendCallerTrace(best.trace);
  return best.prediction;
}
