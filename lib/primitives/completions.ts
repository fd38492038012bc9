import { InputValidationError, describeProblem } from '../errors';

/**
 * The `n` completions behind a prediction (DSPy's `Completions`): `completions.length`,
 * `completions.at(i)` (the i-th completion's fields), and `completions.field('answer')` (every
 * completion's `answer`, in order). Fields are also readable as properties: `completions.answer`.
 */
export class Completions {
  [field: string]: unknown;
  declare private readonly items: readonly Readonly<Record<string, unknown>>[];

  constructor(items: readonly Readonly<Record<string, unknown>>[]) {
    if (!Array.isArray(items)) {
      throw new InputValidationError(describeProblem('Completions are built from an array of field objects.', typeof items, 'Pass [{ answer: … }, …].'));
    }
    Object.defineProperty(this, 'items', { value: Object.freeze(items.map((item) => Object.freeze({ ...item }))), enumerable: false });
    const names = new Set<string>();
    for (const item of this.items) for (const key of Object.keys(item)) names.add(key);
    for (const name of names) if (!(name in this)) this[name] = this.items.map((item) => item[name]);
  }

  /** How many completions there are. */
  get length(): number {
    return this.items.length;
  }

  /** The i-th completion's fields (negative counts from the end). */
  at(index: number): Readonly<Record<string, unknown>> | undefined {
    return this.items.at(index);
  }

  /** Every completion's value for `name`, in order. */
  field(name: string): unknown[] {
    return this.items.map((item) => item[name]);
  }

  /** The completions as plain objects. */
  toArray(): Readonly<Record<string, unknown>>[] {
    return [...this.items];
  }

  [Symbol.iterator](): Iterator<Readonly<Record<string, unknown>>> {
    return this.items[Symbol.iterator]();
  }
}
