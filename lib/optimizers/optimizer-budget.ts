import { BaseLM, type BaseLMOptions, type LMCallOptions, type LMOutput } from '../lm/base-lm';
import type { ChatMessage } from '../lm/chat-message';
import type { LMUsage } from '../primitives/prediction';

/** What an instruction optimizer spent, as reported in `compiled.optimization`. */
export interface OptimizationCost {
  /** LM requests made through the optimizer's task and prompt LMs (cache hits included; a predictor's own LM is not seen). */
  lmCalls: number;
  /** Calls of the user's metric. */
  metricCalls: number;
  /** Token usage of every LM call made during the compile (`context({ usage })`). */
  usage: LMUsage;
}

/**
 * Counts LM calls and metric calls of one compile (shared by COPRO, MIPROv2 and GEPA), and
 * optionally caps metric calls (GEPA's `maxMetricCalls`).
 */
export class OptimizerBudget {
  lmCalls = 0;
  metricCalls = 0;
  readonly usage: LMUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: 0 };
  /** The most metric calls allowed (Infinity: no cap). */
  readonly maxMetricCalls: number;

  constructor(options: { maxMetricCalls?: number } = {}) {
    this.maxMetricCalls = options.maxMetricCalls ?? Infinity;
  }

  /** Metric calls still allowed. */
  get remainingMetricCalls(): number {
    return Math.max(0, this.maxMetricCalls - this.metricCalls);
  }

  /** True when `count` more metric calls stay within the cap. */
  canSpendMetricCalls(count: number): boolean {
    return this.metricCalls + count <= this.maxMetricCalls;
  }

  /**
   * `metric`, counting each call in `metricCalls`. Arguments pass through as given (trailing
   * undefined ones dropped, so a metric sees `(example, prediction)` when no trace was given).
   */
  countMetric<M extends (...args: never[]) => unknown>(metric: M): M {
    const counted = (...args: never[]): unknown => {
      this.metricCalls += 1;
      let length = args.length;
      while (length > 0 && args[length - 1] === undefined) length -= 1;
      return metric(...args.slice(0, length));
    };
    // Errors name the user's metric, not this wrapper.
    Object.defineProperty(counted, 'name', { value: metric.name, configurable: true });
    return counted as M;
  }

  /** Counts `count` examples as scored without a metric call (GEPA counts a failed run, as gepa's `total_num_evals`). */
  recordMetricCalls(count: number): void {
    this.metricCalls += count;
  }

  /** `lm`, counting each request in `lmCalls` (copies made for rollouts count into the same budget). */
  countLM(lm: BaseLM): BaseLM {
    return lm instanceof CountingLM && lm.budget === this ? lm : new CountingLM(lm, this);
  }

  /** A plain-data snapshot for `compiled.optimization`. */
  snapshot(): OptimizationCost {
    return { lmCalls: this.lmCalls, metricCalls: this.metricCalls, usage: { ...this.usage } };
  }
}

/**
 * An LM that forwards every call to another and counts it. History, cache and usage stay with the
 * wrapped LM (this one keeps none), so wrapping changes nothing the program sees.
 */
class CountingLM extends BaseLM {
  constructor(
    readonly inner: BaseLM,
    readonly budget: OptimizerBudget,
  ) {
    super(inner.model, { ...(inner.options as BaseLMOptions), historySize: 0, cache: false });
  }

  override async call(messages: readonly ChatMessage[], options: LMCallOptions = {}): Promise<LMOutput> {
    this.budget.lmCalls += 1;
    return this.inner.call(messages, options);
  }

  forward(messages: readonly ChatMessage[], options: LMCallOptions): Promise<LMOutput> {
    return this.inner.forward(messages, options);
  }

  copy(overrides?: Partial<BaseLMOptions>): BaseLM {
    return new CountingLM(this.inner.copy(overrides), this.budget);
  }

  override dumpState(): Record<string, unknown> {
    return this.inner.dumpState();
  }
}
