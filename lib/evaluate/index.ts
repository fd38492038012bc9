export { Evaluate } from './evaluate';
export type { EvaluateOptions, EvaluateRunOptions } from './evaluate';
export type { EvaluationResult, EvaluationRow } from './evaluation-result';
export type { Metric, MetricValue } from './metric';
export { answerExactMatch, answerPassageMatch } from './metrics';
export type { AnswerExactMatchOptions } from './metrics';
