import { InputValidationError, describeProblem, describeValue, configurationError } from '../errors';
import { validateOptions, type OptionRules } from '../util/validate-options';
import { Completions } from '../primitives/completions';
import { Example } from '../primitives/example';
import { Prediction } from '../primitives/prediction';
import { formatFieldValue } from '../adapters/format-field-value';
import { normalizeText } from '../util/normalize-text';

/** Options of `majority`. */
export interface MajorityOptions {
  /** The field to vote on (default: the last field of the first completion, as DSPy without a signature). */
  field?: string;
  /**
   * Maps each value to what is counted; `null`/`undefined` results are ignored unless every value
   * gives one. Default DSPy's `normalize_text` (empty → ignored); `null` counts raw values.
   */
  normalize?: ((value: unknown) => unknown) | null;
}

const OPTION_RULES: OptionRules = {
  field: { kind: 'string' },
  normalize: {
    kind: 'custom',
    check: (value) => (value === null || typeof value === 'function' ? undefined : 'a function (value) => key, or null to count raw values'),
  },
};

/** DSPy's `default_normalize`: `normalize_text(s) or None`. */
function defaultNormalize(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return normalizeText(typeof value === 'string' ? value : formatFieldValue(value)) || null;
}

function completionsOf(input: unknown): Readonly<Record<string, unknown>>[] {
  if (input instanceof Prediction) return input.completions?.toArray() ?? [input.toJSON()];
  if (input instanceof Completions) return input.toArray();
  if (Array.isArray(input)) {
    return input.map((item, index) => {
      if (item instanceof Example) return item.toJSON();
      if (item !== null && typeof item === 'object') return item as Readonly<Record<string, unknown>>;
      throw new InputValidationError(
        describeProblem(`majority: completion ${index} is not an object of fields.`, describeValue(item), 'Pass predictions or { answer: … } objects.'),
      );
    });
  }
  throw new InputValidationError(
    describeProblem(
      'majority takes a Prediction, its Completions, or a list of completions.',
      describeValue(input),
      'Pass e.g. majority(prediction) for a Predict with { n: 5 }.',
    ),
  );
}

/**
 * DSPy's `majority` vote (`dspy/predict/aggregation.py`): the completion whose normalized `field`
 * value is the most common, ties going to the value counted first; returned as a Prediction of
 * that one completion.
 * @throws {InputValidationError} INPUT_INVALID for no completions or input of the wrong kind.
 * @throws {ConfigurationError} CONFIGURATION_INVALID for an unknown or invalid option.
 * @example
 * const votes = await new ChainOfThought('question -> answer', { n: 5 }).forward({ question });
 * majority(votes).answer;
 */
export function majority<O extends object>(predictions: Prediction<O> | readonly Prediction<O>[], options?: MajorityOptions): Prediction<O>;
export function majority(
  predictionOrCompletions: Prediction | Completions | readonly (Example | Readonly<Record<string, unknown>>)[],
  options?: MajorityOptions,
): Prediction;
export function majority(
  predictionOrCompletions: Prediction | Completions | readonly (Example | Readonly<Record<string, unknown>>)[],
  options: MajorityOptions = {},
): Prediction {
  validateOptions('majority', options, OPTION_RULES, { error: configurationError });
  const completions = completionsOf(predictionOrCompletions);
  if (completions.length === 0) {
    throw new InputValidationError(describeProblem('majority needs at least one completion.', '0 completions', 'Pass the completions to vote on.'));
  }
  const field = options.field ?? Object.keys(completions[0]).at(-1);
  if (field === undefined) {
    throw new InputValidationError(describeProblem('majority cannot tell which field to vote on.', 'a completion with no fields', 'Pass { field }.'));
  }
  const normalize = options.normalize === null ? (value: unknown) => value : (options.normalize ?? defaultNormalize);
  const normalized = completions.map((completion) => normalize(completion[field]));
  const present = normalized.filter((value) => value !== null && value !== undefined);
  const counts = new Map<unknown, number>();
  for (const value of present.length > 0 ? present : normalized) counts.set(value, (counts.get(value) ?? 0) + 1);
  let winner: unknown;
  let best = 0;
  // Map iteration follows first insertion, so on a tie the value counted first wins (Python's max does the same).
  for (const [value, count] of counts) {
    if (count > best) [winner, best] = [value, count];
  }
  const chosen = completions[normalized.findIndex((value) => value === winner)];
  return Prediction.fromCompletions([chosen]);
}
