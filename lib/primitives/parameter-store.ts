import { ConfigurationError, ParameterValidationError, describeProblem, describeValue } from '../errors';
import { jsonDataProblem } from '../util/json-data-problem';

/** What the store asks of a parameter bound to one of its keys: the problems a value would have. */
export interface ParameterCheck {
  readonly name: string;
  check(value: unknown): string[];
}

/** A parameter bound to a store key: it can say what is wrong with a value (nothing when valid). */
export interface BoundParameter {
  check(value: unknown): string[];
}

/** Called with the new and previous value whenever a key is set. */
export type ParameterListener = (value: unknown, previous: unknown) => void;

/**
 * Shared parameter values by key. A `@Parameter({ shared: 'key' })` reads and writes the store
 * its module is bound to (the supervisor's, else `ParameterStore.global`), so every module that
 * names the key sees the same value, and subscribers see every set.
 */
export class ParameterStore {
  /** The store used by modules outside any supervisor (or under one without a store). */
  static readonly global = new ParameterStore();

  readonly #values = new Map<string, unknown>();
  readonly #listeners = new Map<string, Set<ParameterListener>>();
  // Weakly held: a store (the global one especially) must not keep every module that ever bound to it alive.
  readonly #checks = new Map<string, Set<WeakRef<ParameterCheck>>>();

  /** The value stored under `key`, or undefined. */
  get(key: string): unknown {
    return this.#values.get(key);
  }

  /** True when a value is stored under `key`. */
  has(key: string): boolean {
    return this.#values.has(key);
  }

  /**
   * Stores `value` under `key` and tells every subscriber of the key. The value must be plain JSON
   * data and pass the constraints of every parameter bound to the key.
   * @throws {ParameterValidationError} PARAMETER_INVALID; the old value is kept.
   */
  set(key: string, value: unknown): void {
    assertKey(key);
    const problems = this.problems(key, value);
    if (problems.length > 0) {
      throw new ParameterValidationError(
        describeProblem(
          `Invalid value for shared parameter "${key}": ${problems.join('; ')}.`,
          describeValue(value),
          'Store a value every parameter bound to the key accepts; the previous value was kept.',
        ),
        { details: { parameter: key, problems } },
      );
    }
    const previous = this.#values.get(key);
    this.#values.set(key, value);
    const listeners = this.#listeners.get(key);
    if (listeners === undefined) return;
    for (const listener of [...listeners]) listener(value, previous);
  }

  /** Problems `value` would have under `key` (empty when it may be set); changes nothing. */
  problems(key: string, value: unknown): string[] {
    const checks = this.#checks.get(key);
    if (checks === undefined) {
      let dataProblem: string | undefined;
      try {
        dataProblem = jsonDataProblem(value, key);
      } catch {
        dataProblem = `${key} cannot be read as JSON data`;
      }
      return dataProblem === undefined ? [] : [`${dataProblem}; shared parameters hold plain JSON data`];
    }
    const problems: string[] = [];
    for (const reference of [...checks]) {
      const parameter = reference.deref();
      if (parameter === undefined) checks.delete(reference);
      else for (const problem of parameter.check(value)) if (!problems.includes(problem)) problems.push(problem);
    }
    if (checks.size === 0) this.#checks.delete(key);
    return problems;
  }

  /** Makes `set(key, …)` validate against `parameter` too, for as long as the parameter lives (its handle calls this). */
  bindCheck(key: string, parameter: ParameterCheck): void {
    let checks = this.#checks.get(key);
    if (checks === undefined) {
      checks = new Set();
      this.#checks.set(key, checks);
    }
    for (const reference of checks) if (reference.deref() === parameter) return;
    checks.add(new WeakRef(parameter));
  }

  /** Undoes `bindCheck` (a handle re-bound to another store). */
  unbindCheck(key: string, parameter: ParameterCheck): void {
    const checks = this.#checks.get(key);
    if (checks === undefined) return;
    for (const reference of checks) if (reference.deref() === parameter || reference.deref() === undefined) checks.delete(reference);
    if (checks.size === 0) this.#checks.delete(key);
  }

  /** Calls `listener(value, previous)` on every set of `key`; returns the unsubscribe function. */
  subscribe(key: string, listener: ParameterListener): () => void {
    assertKey(key);
    if (typeof listener !== 'function') {
      throw new ConfigurationError(describeProblem('subscribe needs a listener function.', describeValue(listener), 'Pass (value, previous) => { … }.'));
    }
    let listeners = this.#listeners.get(key);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(key, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#listeners.get(key) === listeners) this.#listeners.delete(key);
    };
  }

  /**
   * Records that `parameter` is bound to `key` (called when a module binds to this store), so a
   * store that validates writes from anywhere (`RedisParameterStore`) can check values against its
   * constraints. This store validates nothing itself: each module validates its own assignments.
   */
  bindParameter(key: string, parameter: BoundParameter): void {
    void key;
    void parameter;
  }

  /** Every stored key and value. */
  entries(): [string, unknown][] {
    return [...this.#values.entries()];
  }
}

function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new ConfigurationError(describeProblem('A parameter store key must be a non-empty string.', describeValue(key), "Pass a key like 'retrieval.k'."));
  }
}
