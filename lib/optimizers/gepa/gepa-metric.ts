import { EvaluationError, describeProblem, describeValue } from '../../errors';
import { checkMetricValue, INVALID_METRIC_VALUE, metricNumber } from '../../evaluate/metric';
import type { Example } from '../../primitives/example';
import type { Prediction } from '../../primitives/prediction';
import type { TraceEntry } from '../../settings/settings';

/** A score with the text that explains it (DSPy's `dspy.Prediction(score=..., feedback=...)`). */
export interface ScoreWithFeedback {
  score: number | boolean;
  feedback?: string | null;
}

/** What a GEPA metric returns: a number, a boolean, or a score with feedback. */
export type GEPAMetricValue = number | boolean | ScoreWithFeedback;

/**
 * A GEPA metric, called as DSPy calls it: `metric(example, prediction, trace, predName, predTrace)`.
 * When GEPA asks for feedback on one predictor, `predName` is its name in `namedPredictors()` and
 * `predTrace` holds that predictor's call; otherwise both are undefined.
 * @example
 * const metric: GEPAMetric = (example, prediction) =>
 *   example.answer === prediction.answer ? 1 : { score: 0, feedback: `The answer is ${example.answer}.` };
 */
export type GEPAMetric = (
  example: Example,
  prediction: Prediction,
  trace?: readonly TraceEntry[],
  predName?: string,
  predTrace?: readonly TraceEntry[],
) => GEPAMetricValue | Promise<GEPAMetricValue>;

/** Python's `str()` of a score, as DSPy's default feedback prints it (`1.0`, `0.5`, `True`). */
function pythonScoreText(score: number | boolean): string {
  if (typeof score === 'boolean') return score ? 'True' : 'False';
  return Number.isInteger(score) ? `${score}.0` : String(score);
}

/**
 * A metric result as `{ score, feedback }`: without feedback, DSPy's default text
 * `This trajectory got a score of {score}.`
 * @throws {EvaluationError} EVALUATION_FAILED (details.reason `invalidMetricValue`) for anything else.
 */
export function readMetricValue(value: unknown, metric: Function, exampleIndex: number): { score: number; feedback: string } {
  if (value !== null && typeof value === 'object' && 'score' in value) {
    const raw = (value as { score: unknown }).score;
    const score = checkMetricValue(raw, metric, exampleIndex);
    const feedback = (value as { feedback?: unknown }).feedback;
    if (feedback !== undefined && feedback !== null && typeof feedback !== 'string') {
      throw new EvaluationError(
        describeProblem(
          `Metric ${metric.name || '(anonymous)'} returned a feedback that is not a string for example ${exampleIndex}.`,
          describeValue(feedback),
          'Return { score, feedback } with feedback a string.',
        ),
        { details: { reason: INVALID_METRIC_VALUE, exampleIndex, received: describeValue(feedback) } },
      );
    }
    return { score: metricNumber(score), feedback: typeof feedback === 'string' ? feedback : `This trajectory got a score of ${pythonScoreText(score)}.` };
  }
  const score = checkMetricValue(value, metric, exampleIndex);
  return { score: metricNumber(score), feedback: `This trajectory got a score of ${pythonScoreText(score)}.` };
}
