import type PQueue from 'p-queue';
import { EvaluationError, describeProblem } from '../errors';
import type { Logger } from '../logging/logger';
import type { Example } from '../primitives/example';
import type { Module } from '../primitives/module';
import { Prediction, type LMUsage } from '../primitives/prediction';
import { runWithUsageTotals } from '../lm/usage-scope';
import type { EvaluationResult, EvaluationRow } from './evaluation-result';
import { inputsOf, percentage } from './example-set';
import { checkMetricValue, isInvalidMetricValueError, metricNumber, type Metric } from './metric';

/** Everything one evaluation run needs; `Evaluate.run` and the optimizers build it. */
export interface EvaluationRun {
  program: Module;
  devset: readonly Example[];
  metric: Metric;
  /**
   * Bounds how many examples run at once; may be shared by several runs (a search evaluating
   * candidates side by side), so the bound holds across them.
   */
  queue: PQueue;
  /** The run fails when this many examples have failed (DSPy's `max_errors`). */
  maxErrors: number;
  failureScore: number;
  signal?: AbortSignal;
  log: Logger;
  /** Called after each example with the number done and the running sum of scores over the examples scored so far. */
  onProgress?: (completed: number, scoreSum: number, scored: number) => void;
}

/** Why a run stopped early: too many errors, or a metric that returned the wrong type. */
class RunStopped {
  constructor(readonly error: EvaluationError) {}
}

/**
 * DSPy's `Evaluate.__call__`: runs `program` on every example's inputs through the queue, scores
 * each prediction with `metric(example, prediction)` (no trace), and averages as a percentage.
 * A program or metric that throws gives that example an empty Prediction and `failureScore`;
 * when failures reach `maxErrors` the remaining examples are cancelled.
 * @throws {EvaluationError} EVALUATION_FAILED after `maxErrors` failures (cause: the last one) or when the metric returns something other than a number or boolean.
 * The result's `usage` sums every LM call the run made (cache hits add nothing).
 * @throws the caller's `signal.reason` when the signal aborts.
 */
export async function runEvaluation(run: EvaluationRun): Promise<EvaluationResult> {
  const usage: LMUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: 0 };
  const scored = await runWithUsageTotals(usage, () => scoreDevset(run));
  return { ...scored, usage };
}

async function scoreDevset(run: EvaluationRun): Promise<Omit<EvaluationResult, 'usage'>> {
  const { program, devset, metric, queue, log } = run;
  run.signal?.throwIfAborted();
  // One controller cancels in-flight examples, whether the caller aborted or the run must stop.
  const controller = new AbortController();
  const forwardAbort = (): void => controller.abort(run.signal?.reason);
  run.signal?.addEventListener('abort', forwardAbort, { once: true });
  const rows = new Array<EvaluationRow>(devset.length);
  let errorCount = 0;
  let completed = 0;
  let scored = 0;
  let scoreSum = 0;
  let stopped: RunStopped | undefined;

  const stop = (error: EvaluationError): void => {
    stopped ??= new RunStopped(error);
    controller.abort(stopped);
  };

  const evaluateOne = async (example: Example, index: number): Promise<void> => {
    try {
      const prediction = await program.forward(inputsOf(example), { signal: controller.signal });
      const value = checkMetricValue(await metric(example, prediction), metric, index);
      rows[index] = [example, prediction, value];
      scored += 1;
      scoreSum += metricNumber(value);
    } catch (error) {
      if (controller.signal.aborted) return;
      if (isInvalidMetricValueError(error)) return stop(error);
      errorCount += 1;
      log.warn({ err: error, example: index }, 'example failed');
      rows[index] = [example, new Prediction(), run.failureScore];
      if (errorCount >= run.maxErrors) {
        return stop(
          new EvaluationError(
            describeProblem(
              `Evaluation stopped after ${errorCount} failed example(s) (maxErrors ${run.maxErrors}).`,
              error instanceof Error ? `${error.name}: ${error.message}` : String(error),
              'See the cause for the last failure; fix the program or metric, or raise maxErrors.',
            ),
            { cause: error, details: { errorCount, maxErrors: run.maxErrors, exampleIndex: index } },
          ),
        );
      }
    }
    completed += 1;
    run.onProgress?.(completed, scoreSum, scored);
  };

  // `concurrency` workers take the examples in order: one queue task per worker rather than per
  // example keeps the per-example cost low, and queued workers of a cancelled run return at once.
  let next = 0;
  const work = async (): Promise<void> => {
    while (next < devset.length && !controller.signal.aborted) {
      const index = next;
      next += 1;
      await evaluateOne(devset[index], index);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(devset.length, queue.concurrency) }, () => queue.add(work)));
  } finally {
    run.signal?.removeEventListener('abort', forwardAbort);
  }
  if (run.signal?.aborted) throw run.signal.reason;
  if (stopped !== undefined) throw stopped.error;
  let total = 0;
  for (const row of rows) total += metricNumber(row[2]);
  const score = percentage(total, devset.length);
  log.info({ score, total: devset.length, errors: errorCount }, 'evaluation finished');
  return { score, results: rows };
}
