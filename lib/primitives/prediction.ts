import { InputValidationError, describeProblem, describeValue } from '../errors';
import { Completions } from './completions';
import { Example, type ExampleFields } from './example';

/** Token counts an LM reported for the calls behind a prediction. */
export interface LMUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Cost in dollars: reported by the provider, else priced from the LM's `pricing`; `null` (never 0) when unknown. */
  cost: number | null;
}

// The runtime class; `Prediction` below is its typed face (a class expression keeps the name `Prediction`).
const PredictionClass = class Prediction extends Example {
  /** Output fields are readable as properties; a typed `Prediction<O>` narrows this to `O`'s fields. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
  declare completions: Completions | undefined;
  declare usage: LMUsage | undefined;

  constructor(base: ExampleFields = {}, overrides: Readonly<Record<string, unknown>> = {}) {
    super(base, overrides);
    Object.defineProperty(this, 'completions', { value: base instanceof Prediction ? base.completions : undefined, writable: true, enumerable: false });
    Object.defineProperty(this, 'usage', { value: base instanceof Prediction ? base.usage : undefined, writable: true, enumerable: false });
  }

  /**
   * A prediction whose fields are the first completion's, with every completion kept in order.
   * Accepts a list of field objects or an object of field → list of values (as DSPy).
   * @throws {InputValidationError} INPUT_INVALID for an empty list or lists of unequal length.
   */
  static fromCompletions(list: readonly Readonly<Record<string, unknown>>[] | Readonly<Record<string, readonly unknown[]>>): Prediction {
    let items: Readonly<Record<string, unknown>>[];
    if (Array.isArray(list)) {
      items = list.map((item) => (item instanceof Example ? item.toJSON() : item));
    } else if (list !== null && typeof list === 'object') {
      const columns = Object.entries(list as Record<string, readonly unknown[]>);
      const lengths = new Set(columns.map(([, values]) => (Array.isArray(values) ? values.length : -1)));
      if (lengths.size > 1 || lengths.has(-1)) {
        throw new InputValidationError(
          describeProblem('Every completion field must be a list of the same length.', describeValue(list), 'Pass { field: [v1, v2], … } with equal lengths.'),
        );
      }
      const count = columns.length === 0 ? 0 : columns[0][1].length;
      items = Array.from({ length: count }, (_, index) => Object.fromEntries(columns.map(([key, values]) => [key, values[index]])));
    } else {
      throw new InputValidationError(describeProblem('fromCompletions takes a list of completions.', describeValue(list), 'Pass [{ answer: … }, …].'));
    }
    const prediction = new Prediction(items[0] ?? {});
    prediction.completions = new Completions(items);
    return prediction;
  }
};

/** Keys an object type declares by name (its index signature dropped). */
type NamedMembers<T> = { [K in keyof T as string extends K ? never : number extends K ? never : symbol extends K ? never : K]: T[K] };

/** A Prediction's own members (Example's methods, `completions`, `usage`), without the field index. */
export interface PredictionMembers extends Omit<NamedMembers<Example>, 'withInputs' | 'copy' | 'without'> {
  completions: Completions | undefined;
  usage: LMUsage | undefined;
  withInputs(...keys: string[]): this;
  copy(overrides?: Readonly<Record<string, unknown>>): this;
  without(...keys: string[]): this;
}

/**
 * What a module returns: an Example of output fields, plus the `completions` it chose from
 * (when an LM produced several) and the LM `usage` behind it.
 *
 * `Prediction<O>` is typed by its output fields `O` (a typed signature's `Predict` returns one):
 * reading a field `O` lacks is a compile error. The bare `Prediction` reads any field (as `any`),
 * and every `Prediction<O>` is assignable to it.
 * @example
 * const prediction = await new Predict('question -> answer: int').forward({ question: '2+2?' });
 * prediction.answer; // number
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Prediction<O extends object = { [field: string]: any }> = PredictionMembers & O;

/** The `Prediction` class: `new Prediction(fields)`, `Prediction.fromCompletions(list)`, `instanceof Prediction`. */
export interface PredictionConstructor {
  new (base?: ExampleFields, overrides?: Readonly<Record<string, unknown>>): Prediction;
  readonly prototype: Prediction;
  fromCompletions(list: readonly Readonly<Record<string, unknown>>[] | Readonly<Record<string, readonly unknown[]>>): Prediction;
}

export const Prediction: PredictionConstructor = PredictionClass;
