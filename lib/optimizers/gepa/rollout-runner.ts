import { inputsOf } from '../../evaluate/example-set';
import { isInvalidMetricValueError } from '../../evaluate/metric';
import type { Example } from '../../primitives/example';
import type { Module } from '../../primitives/module';
import type { Prediction } from '../../primitives/prediction';
import { context, type TraceEntry } from '../../settings/settings';
import type { SeededRandom } from '../../util/seeded-random';
import type { OptimizerRun } from '../optimizer-run';
import { predictorNamed } from '../predictor-instructions';
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

/**
 * Runs a program on examples and scores each with the GEPA metric (DSPy's `DspyAdapter.evaluate`),
 * under the run's task LM and budget: every example run counts as one metric call (gepa's
 * `total_num_evals`), a failed one included. Programs run concurrently (the run's `concurrency`);
 * the metric runs afterwards in example order, so seeded choices and metric calls do not depend on LM timing.
 */
export class RolloutRunner {
  readonly #run: OptimizerRun<GEPAMetric>;

  constructor(run: OptimizerRun<GEPAMetric>) {
    this.#run = run;
  }

  async run(program: Module, examples: readonly Example[], target?: FeedbackTarget): Promise<Rollout[]> {
    const run = this.#run;
    run.throwIfAborted();
    const runs = await run.withTaskModel(() => this.#forwardAll(program, examples));
    const predictor = target === undefined ? undefined : predictorNamed(program, target.name);
    const rollouts: Rollout[] = [];
    for (const [index, { prediction, trace }] of runs.entries()) {
      run.throwIfAborted();
      if (prediction === undefined) {
        run.budget.recordMetricCalls(1);
        rollouts.push({ score: 0, feedback: 'The program failed on this example.', prediction, trace, predictorCall: undefined });
        continue;
      }
      const calls = predictor === undefined ? [] : trace.filter((entry) => entry.predictor === predictor);
      const predictorCall = calls.length > 0 ? target!.random.choice(calls) : undefined;
      const value =
        predictorCall === undefined
          ? await run.metric(examples[index], prediction, trace)
          : await run.metric(examples[index], prediction, trace, target!.name, [predictorCall]);
      const { score, feedback } = readMetricValue(value, run.metric, index);
      rollouts.push({ score, feedback, prediction, trace, predictorCall });
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
    await Promise.all(Array.from({ length: Math.min(this.#run.concurrency, examples.length) }, worker));
    return results;
  }

  async #forwardOne(program: Module, example: Example, index: number): Promise<{ prediction: Prediction | undefined; trace: TraceEntry[] }> {
    const trace: TraceEntry[] = [];
    const { signal, log } = this.#run;
    try {
      const prediction = await context({ trace }, () => program.forward(inputsOf(example), { signal }));
      return { prediction, trace };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (isInvalidMetricValueError(error)) throw error;
      log.warn({ err: error, example: index }, 'program failed on an example; scored 0');
      return { prediction: undefined, trace };
    }
  }
}
