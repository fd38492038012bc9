import { EvaluationError, describeProblem, describeValue } from '../errors';
import type { Example } from '../primitives/example';
import type { Prediction } from '../primitives/prediction';
import type { TraceEntry } from '../settings/settings';

/** What a metric returns: a score (higher is better) or pass/fail. */
export type MetricValue = number | boolean;

/**
 * Scores one prediction against its example. `Evaluate` calls it with two arguments; optimizers
 * pass the third, `trace`: the predictor calls the program made for this example, in order.
 * May be async (an LM-judged metric). `P` is the prediction type it reads: the bare `Prediction`
 * by default, or a program's own (`Metric<ForwardResult<QA>>`, where `prediction.answer` has the
 * type `QA.forward` declares). A typed metric is accepted wherever a `Metric` is (its parameters
 * are compared both ways, as methods' are).
 * @example const metric: Metric = (example, prediction) => example.answer === prediction.answer;
 */
export type Metric<P = Prediction> = {
  metric(example: Example, prediction: P, trace?: readonly TraceEntry[]): MetricValue | Promise<MetricValue>;
}['metric'];

/** Marks the error a metric's wrong return type produces: it stops a run at once instead of counting as one failed example. */
export const INVALID_METRIC_VALUE = 'invalidMetricValue';

/**
 * `value` as a metric result.
 * @throws {EvaluationError} EVALUATION_FAILED (details.reason `invalidMetricValue`) for anything but a boolean or a number that is not NaN.
 */
export function checkMetricValue(value: unknown, metric: Function, exampleIndex: number): MetricValue {
  if (typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value))) return value;
  throw new EvaluationError(
    describeProblem(
      `Metric ${metric.name || '(anonymous)'} returned neither a number nor a boolean for example ${exampleIndex}.`,
      describeValue(value),
      'Return a number (e.g. 1.0 for a good prediction, 0.0 for a bad one) or a boolean; await any promise inside the metric.',
    ),
    { details: { reason: INVALID_METRIC_VALUE, exampleIndex, received: describeValue(value) } },
  );
}

/** True for the error `checkMetricValue` throws. */
export function isInvalidMetricValueError(error: unknown): error is EvaluationError {
  return error instanceof EvaluationError && error.details.reason === INVALID_METRIC_VALUE;
}

/** A metric value as a number: booleans count 1 and 0, as Python's `sum` counts them. */
export function metricNumber(value: MetricValue): number {
  return typeof value === 'boolean' ? Number(value) : value;
}
