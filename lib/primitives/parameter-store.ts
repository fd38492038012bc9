import { ConfigurationError, describeProblem, describeValue } from '../errors';

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

  /** The value stored under `key`, or undefined. */
  get(key: string): unknown {
    return this.#values.get(key);
  }

  /** True when a value is stored under `key`. */
  has(key: string): boolean {
    return this.#values.has(key);
  }

  /** Stores `value` under `key` and tells every subscriber of the key. */
  set(key: string, value: unknown): void {
    assertKey(key);
    const previous = this.#values.get(key);
    this.#values.set(key, value);
    const listeners = this.#listeners.get(key);
    if (listeners === undefined) return;
    for (const listener of [...listeners]) listener(value, previous);
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
