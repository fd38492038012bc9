import { inputsOf } from '../../evaluate/example-set';
import { isInvalidMetricValueError } from '../../evaluate/metric';
import type { Logger } from '../../logging/logger';
import type { Example } from '../../primitives/example';
import type { Module } from '../../primitives/module';
import type { Prediction } from '../../primitives/prediction';
import { context, type TraceEntry } from '../../settings/settings';
import type { SeededRandom } from '../../util/seeded-random';
import { readMetricValue, type GEPAMetric } from './gepa-metric';

/** One run of a candidate program on one example, scored. */
export interface Rollout {
  score: number;
  feedback: string;
  /** Undefined when the program threw (then the score is 0, DSPy's `failure_score`). */
  prediction: Prediction | undefined;
  trace: TraceEntry[];
  /** The predictor call the feedback is about (when feedback on one predictor was asked). */
  predictorCall: TraceEntry | undefined;
}

/** The predictor to ask feedback about, and the generator that picks one of its calls (DSPy's adapter `rng`). */
export interface FeedbackTarget {
  name: string;
  random: SeededRandom;
}

/** Metric calls and LM calls made so far (the budget's accounting). */
export interface RolloutCounters {
  /** Examples run and scored: gepa's `total_num_evals`, which the budget bounds. */
  metricCalls: number;
  /** Predictor calls in the rollouts' traces plus reflection LM calls. */
  lmCalls: number;
}

const FORWARDS_AT_ONCE = 16;

/**
 * Runs a program on examples and scores each with the GEPA metric (DSPy's `DspyAdapter.evaluate`).
 * Programs run concurrently; the metric runs afterwards in example order, so seeded choices and
 * metric calls do not depend on LM timing.
 */
export class RolloutRunner {
  constructor(
    readonly metric: GEPAMetric,
    readonly counters: RolloutCounters,
    readonly signal: AbortSignal | undefined,
    readonly log: Logger,
  ) {}

  async run(program: Module, examples: readonly Example[], target?: FeedbackTarget): Promise<Rollout[]> {
    this.signal?.throwIfAborted();
    this.counters.metricCalls += examples.length;
    const runs = await this.#forwardAll(program, examples);
    const predictor = target === undefined ? undefined : program.namedPredictors().find(([name]) => name === target.name)?.[1];
    const rollouts: Rollout[] = [];
    for (const [index, run] of runs.entries()) {
      this.signal?.throwIfAborted();
      this.counters.lmCalls += run.trace.length;
      if (run.prediction === undefined) {
        rollouts.push({ score: 0, feedback: 'The program failed on this example.', prediction: undefined, trace: run.trace, predictorCall: undefined });
        continue;
      }
      const calls = predictor === undefined ? [] : run.trace.filter((entry) => entry.predictor === predictor);
      const predictorCall = calls.length > 0 ? target!.random.choice(calls) : undefined;
      const value =
        predictorCall === undefined
          ? await this.metric(examples[index], run.prediction, run.trace)
          : await this.metric(examples[index], run.prediction, run.trace, target!.name, [predictorCall]);
      const { score, feedback } = readMetricValue(value, this.metric, index);
      rollouts.push({ score, feedback, prediction: run.prediction, trace: run.trace, predictorCall });
    }
    return rollouts;
  }

  async #forwardAll(program: Module, examples: readonly Example[]): Promise<{ prediction: Prediction | undefined; trace: TraceEntry[] }[]> {
    const results = new Array<{ prediction: Prediction | undefined; trace: TraceEntry[] }>(examples.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < examples.length) {
        const index = next;
        next += 1;
        results[index] = await this.#forwardOne(program, examples[index], index);
      }
    };
    await Promise.all(Array.from({ length: Math.min(FORWARDS_AT_ONCE, examples.length) }, worker));
    return results;
  }

  async #forwardOne(program: Module, example: Example, index: number): Promise<{ prediction: Prediction | undefined; trace: TraceEntry[] }> {
    const trace: TraceEntry[] = [];
    try {
      const prediction = await context({ trace }, () => program.forward(inputsOf(example), { signal: this.signal }));
      return { prediction, trace };
    } catch (error) {
      if (this.signal?.aborted) throw this.signal.reason;
      if (isInvalidMetricValueError(error)) throw error;
      this.log.warn({ err: error, example: index }, 'program failed on an example; scored 0');
      return { prediction: undefined, trace };
    }
  }
}
