import { EvaluationError, describeProblem, describeValue } from '../errors';
import type { Example } from '../primitives/example';
import type { Prediction } from '../primitives/prediction';
import type { TraceEntry } from '../settings/settings';
import { dprTokens, hasAnswer } from './dpr-tokens';
import { normalizeText } from '../util/normalize-text';

/** Options of `answerExactMatch`. */
export interface AnswerExactMatchOptions {
  /** 1 (default) requires an exact match after normalisation; below 1, a token F1 of at least `frac` passes (DSPy's `frac`). */
  frac?: number;
}

/** The reference answers of `example.answer`: a string or a list of strings. */
/**
 * A field of the example or prediction a metric was given: `get(name)` of an `Example` or
 * `Prediction`, or the own property of a plain object (as DSPy reads `example.answer`).
 * @throws {EvaluationError} EVALUATION_FAILED for anything else (a metric called with its arguments swapped or missing).
 */
function fieldOf(metricName: string, role: 'example' | 'prediction', record: unknown, name: string): unknown {
  if (record !== null && typeof record === 'object') {
    const withGet = record as { get?: unknown };
    if (typeof withGet.get === 'function') return (withGet.get as (key: string) => unknown).call(record, name);
    return Object.hasOwn(record, name) ? (record as Record<string, unknown>)[name] : undefined;
  }
  throw new EvaluationError(
    describeProblem(
      `${metricName} needs ${role === 'example' ? 'an Example' : 'a Prediction'} (or a plain object) as its ${role}.`,
      describeValue(record),
      `Call it as ${metricName}(example, prediction), as Evaluate does.`,
    ),
    { details: { metric: metricName } },
  );
}

function referenceAnswers(metricName: string, example: Example): string[] {
  const answer = fieldOf(metricName, 'example', example, 'answer');
  if (typeof answer === 'string') return [answer];
  if (Array.isArray(answer) && answer.length > 0 && answer.every((item) => typeof item === 'string')) return answer;
  throw new EvaluationError(
    describeProblem(
      `${metricName} needs example.answer to be a string or a non-empty list of strings.`,
      describeValue(answer),
      "Give each example an answer, e.g. new Example({ question, answer: 'Paris' }).",
    ),
    { details: { metric: metricName } },
  );
}

/** A predicted value as text: strings as they are, numbers and booleans converted (an `answer: int` output still compares). */
function predictedText(metricName: string, field: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new EvaluationError(
    describeProblem(`${metricName} needs prediction.${field} to be text.`, describeValue(value), `Make the program return a "${field}" output field.`),
    { details: { metric: metricName, field } },
  );
}

/** DSPy's token-level F1 between two texts after normalisation (0 when no token is shared). */
function f1Score(prediction: string, reference: string): number {
  const predicted = normalizeText(prediction).split(' ').filter(Boolean);
  const expected = normalizeText(reference).split(' ').filter(Boolean);
  const counts = new Map<string, number>();
  for (const token of expected) counts.set(token, (counts.get(token) ?? 0) + 1);
  let shared = 0;
  for (const token of predicted) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      shared += 1;
      counts.set(token, left - 1);
    }
  }
  if (shared === 0) return 0;
  const precision = shared / predicted.length;
  const recall = shared / expected.length;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * DSPy's `answer_exact_match`: true when `prediction.answer` equals `example.answer` (or one of a
 * list of answers) after `normalizeText`; with `frac < 1`, when the best token F1 reaches `frac`.
 * @throws {EvaluationError} EVALUATION_FAILED when `example.answer` is not a string or list of strings, or `prediction.answer` is missing.
 * @example new Evaluate({ devset, metric: answerExactMatch });
 */
export function answerExactMatch(example: Example, prediction: Prediction, _trace?: readonly TraceEntry[], options: AnswerExactMatchOptions = {}): boolean {
  const frac = options.frac ?? 1;
  const answers = referenceAnswers('answerExactMatch', example);
  const predicted = predictedText('answerExactMatch', 'answer', fieldOf('answerExactMatch', 'prediction', prediction, 'answer'));
  if (frac >= 1) {
    const normalized = normalizeText(predicted);
    return answers.some((answer) => normalizeText(answer) === normalized);
  }
  return Math.max(...answers.map((answer) => f1Score(predicted, answer))) >= frac;
}

/**
 * DSPy's `answer_passage_match`: true when some passage of `prediction.context` contains one of the
 * answers as a run of tokens (after `normalizeText` and DPR tokenisation). A single string counts as one passage.
 * @throws {EvaluationError} EVALUATION_FAILED when `example.answer` is not a string or list of strings, or `prediction.context` is not passages.
 */
export function answerPassageMatch(example: Example, prediction: Prediction, _trace?: readonly TraceEntry[]): boolean {
  const answers = referenceAnswers('answerPassageMatch', example);
  const context = fieldOf('answerPassageMatch', 'prediction', prediction, 'context');
  const passages = typeof context === 'string' ? [context] : context;
  if (!Array.isArray(passages) || !passages.every((passage) => typeof passage === 'string')) {
    throw new EvaluationError(
      describeProblem(
        'answerPassageMatch needs prediction.context to be a list of passages (strings).',
        describeValue(context),
        'Return the retrieved passages as a "context" field.',
      ),
      { details: { metric: 'answerPassageMatch', field: 'context' } },
    );
  }
  const answerTokens = answers.map((answer) => dprTokens(normalizeText(answer)));
  return passages.some((passage) => hasAnswer(answerTokens, normalizeText(passage)));
}
