import type { Example } from '../primitives/example';
import type { LMUsage, Prediction } from '../primitives/prediction';
import type { MetricValue } from './metric';

/** One evaluated example: the example, what the program predicted, and the metric's value (or `failureScore`). */
export type EvaluationRow = [example: Example, prediction: Prediction, score: MetricValue];

/** What `Evaluate.run` returns (DSPy's `EvaluationResult`). */
export interface EvaluationResult {
  /** DSPy's percentage: `100 × sum of scores / devset size`, rounded to two decimals (booleans count 1 and 0). */
  score: number;
  /** One row per devset example, in devset order; a failed example has an empty Prediction and `failureScore`. */
  results: EvaluationRow[];
  /** Tokens and cost of every LM call the run made; `cost` is `null` when any call's cost was unknown. */
  usage: LMUsage;
}
