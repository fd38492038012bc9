import { InputValidationError, describeProblem, describeValue } from '../errors';
import { isPlainObject } from '../util/is-plain-object';
import { setOwnProperty } from '../util/own-property';
import { isUnsafeKey } from '../util/unsafe-keys';

const STORE = Symbol('dspex.example.store');
const INPUT_KEYS = Symbol('dspex.example.inputKeys');

/** Plain fields an Example is built from: an object, or another Example. */
export type ExampleFields = Readonly<Record<string, unknown>> | Example;

/** Converts nested Examples and objects with `toJSON` into plain data, as DSPy's `toDict`. */
function toPlainData(value: unknown): unknown {
  if (value instanceof Example) return value.toJSON();
  if (Array.isArray(value)) return value.map(toPlainData);
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) setOwnProperty(result, key, toPlainData(item));
    return result;
  }
  return value;
}

/**
 * A training or evaluation record: named fields, some marked as inputs (`withInputs`). A value:
 * methods that "change" it return copies. Fields are readable as properties (`ex.question`)
 * unless the name is one of Example's own methods; `get(name)` always works.
 * @example
 * const example = new Example({ question: 'What is 2+2?', answer: '4' }).withInputs('question');
 * example.inputs().toJSON(); // { question: 'What is 2+2?' }
 */
export class Example {
  [field: string]: unknown;
  declare private [STORE]: Record<string, unknown>;
  declare private [INPUT_KEYS]: ReadonlySet<string> | undefined;

  constructor(base: ExampleFields = {}, overrides: Readonly<Record<string, unknown>> = {}) {
    if (base === null || typeof base !== 'object' || Array.isArray(base)) {
      throw new InputValidationError(describeProblem('An Example is built from an object of fields.', describeValue(base), 'Pass e.g. { question, answer }.'));
    }
    const store: Record<string, unknown> = Object.create(null);
    const source = base instanceof Example ? base[STORE] : base;
    for (const key of Object.keys(source)) store[key] = source[key];
    for (const key of Object.keys(overrides)) store[key] = overrides[key];
    Object.defineProperty(this, STORE, { value: store, enumerable: false });
    Object.defineProperty(this, INPUT_KEYS, { value: undefined, enumerable: false, writable: true });
    for (const key of Object.keys(store)) {
      if (isUnsafeKey(key)) {
        throw new InputValidationError(describeProblem(`An Example cannot have a field named "${key}".`, key, 'Rename the field.'));
      }
      // Methods win over fields of the same name, as in DSPy; `get(key)` still reads the field.
      if (!(key in this)) this[key] = store[key];
    }
  }

  /** A copy whose `inputs()` are the given keys (they need not exist yet). */
  withInputs(...keys: string[]): this {
    const copy = this.copy();
    copy[INPUT_KEYS] = new Set(keys);
    return copy;
  }

  /** The input keys set by `withInputs`, or undefined. */
  get inputKeys(): readonly string[] | undefined {
    return this[INPUT_KEYS] === undefined ? undefined : [...this[INPUT_KEYS]];
  }

  /**
   * The input fields only, as an Example carrying the same input keys.
   * @throws {InputValidationError} INPUT_INVALID when `withInputs` was never called.
   */
  inputs(): Example {
    const inputKeys = this[INPUT_KEYS];
    if (inputKeys === undefined) {
      throw new InputValidationError(
        describeProblem('This Example has no input keys.', `fields ${Object.keys(this[STORE]).join(', ')}`, 'Call example.withInputs(...names) first.'),
      );
    }
    const picked: Record<string, unknown> = {};
    for (const key of Object.keys(this[STORE])) if (inputKeys.has(key)) picked[key] = this[STORE][key];
    const result = new Example(picked);
    result[INPUT_KEYS] = inputKeys;
    return result;
  }

  /** The non-input fields only. */
  labels(): Example {
    const inputKeys = this[INPUT_KEYS] ?? new Set<string>();
    const picked: Record<string, unknown> = {};
    for (const key of Object.keys(this[STORE])) if (!inputKeys.has(key)) picked[key] = this[STORE][key];
    return new Example(picked);
  }

  /** The field's value, or `fallback` when absent. */
  get<T = unknown>(key: string, fallback?: T): T | undefined {
    return (key in this[STORE] ? this[STORE][key] : fallback) as T | undefined;
  }

  /** True when the field exists. */
  has(key: string): boolean {
    return key in this[STORE];
  }

  /** Field names, skipping DSPy's internal `dspy_` keys unless asked. */
  keys(includeDspy = false): string[] {
    return Object.keys(this[STORE]).filter((key) => includeDspy || !key.startsWith('dspy_'));
  }

  /** Field values, in key order. */
  values(includeDspy = false): unknown[] {
    return this.keys(includeDspy).map((key) => this[STORE][key]);
  }

  /** `[key, value]` pairs, in key order. */
  items(includeDspy = false): [string, unknown][] {
    return this.keys(includeDspy).map((key) => [key, this[STORE][key]]);
  }

  /** Number of fields (not counting `dspy_` keys). */
  get size(): number {
    return this.keys().length;
  }

  /** A copy with some fields replaced; unlike DSPy's, it keeps the input keys. */
  copy(overrides: Readonly<Record<string, unknown>> = {}): this {
    const copy = new (this.constructor as new (base: ExampleFields, overrides: Record<string, unknown>) => this)(this, overrides);
    copy[INPUT_KEYS] = this[INPUT_KEYS];
    return copy;
  }

  /** A copy without the named fields. */
  without(...keys: string[]): this {
    const kept: Record<string, unknown> = {};
    for (const key of Object.keys(this[STORE])) if (!keys.includes(key)) kept[key] = this[STORE][key];
    const copy = new (this.constructor as new (base: ExampleFields) => this)(kept);
    copy[INPUT_KEYS] = this[INPUT_KEYS];
    return copy;
  }

  /** The fields as plain data (nested Examples converted too), as saved in demos. */
  toJSON(): Record<string, unknown> {
    return toPlainData({ ...this[STORE] }) as Record<string, unknown>;
  }

  /** Alias of `toJSON()`, DSPy's `toDict`. */
  toDict(): Record<string, unknown> {
    return this.toJSON();
  }

  /** DSPy's equality: the same fields with equal values (input keys ignored). */
  equals(other: unknown): boolean {
    if (!(other instanceof Example)) return false;
    const mine = this.toJSON();
    const theirs = other.toJSON();
    return JSON.stringify(mine) === JSON.stringify(theirs);
  }
}

/**
 * An Example where typed inputs are expected (`predict.forward(example.inputs())`): Example's
 * members without its field index, so that object literals beside it keep excess-property checks.
 */
export type ExampleInput = { [K in keyof Example as string extends K ? never : number extends K ? never : K]: Example[K] };

/** The plain fields of an Example or an object (no copy of an Example's store is exposed). */
export function fieldsOfRecord(record: ExampleFields): Readonly<Record<string, unknown>> {
  return record instanceof Example ? (record as unknown as { [STORE]: Record<string, unknown> })[STORE] : record;
}
