import type { Logger } from '../logging/logger';
import type { ParameterStore } from '../primitives/parameter-store';
import { parameterDataProblem, valueTypeOf } from '../primitives/parameter-handle';
import type { HostMessage, ThreadSharedParameter } from './thread-protocol';

/**
 * What a `ParameterStore` of the supervisor's thread checks for one shared parameter of a
 * thread-isolated instance, so a value is refused before the store keeps it (as the parameter's
 * own handle would refuse it in this thread): JSON data, the value type, null, and the
 * `@Min`/`@Max`/`@IsInt`/`@IsIn` bounds. Other constraints run in the thread, when the value arrives.
 */
class ThreadParameterCheck {
  readonly name: string;
  readonly #parameter: ThreadSharedParameter;
  /** False once the instance's thread is unbound: stores hold checks weakly, and may ask until they let go. */
  isActive = true;

  constructor(parameter: ThreadSharedParameter) {
    this.#parameter = parameter;
    this.name = parameter.path;
  }

  check(value: unknown): string[] {
    if (!this.isActive) return [];
    const { type, nullProblems, bounds } = this.#parameter;
    const dataProblem = parameterDataProblem(value, this.name);
    if (dataProblem !== undefined) return [dataProblem];
    if (value === null) return [...nullProblems];
    if (type !== undefined && valueTypeOf(value) !== type) return [`${this.name} must be a ${type}, like its first value`];
    // An array may be checked element by element ({ each: true }): the thread decides.
    if (Array.isArray(value)) return [];
    // class-validator's wording and rules for these four decorators.
    const problems: string[] = [];
    const isNumber = typeof value === 'number';
    if (bounds.min !== undefined && !(isNumber && value >= bounds.min)) problems.push(`${this.name} must not be less than ${bounds.min}`);
    if (bounds.max !== undefined && !(isNumber && value <= bounds.max)) problems.push(`${this.name} must not be greater than ${bounds.max}`);
    if (bounds.isInt === true && !(isNumber && Number.isInteger(value))) problems.push(`${this.name} must be an integer number`);
    if (bounds.allowed !== undefined && !bounds.allowed.some((allowed) => allowed === value)) {
      problems.push(`${this.name} must be one of the following values: ${bounds.allowed.map(String).join(', ')}`);
    }
    return problems;
  }
}

/**
 * The supervisor's side of a thread-isolated instance's shared parameters, bound to one
 * `ParameterStore`: registers a check per parameter with the store, sends the store's value of each
 * key to the thread at binding and on every set (a remote `RedisParameterStore` write included), and
 * writes the instance's own sets to the store. A set the store refuses is undone in the thread.
 */
export class ThreadSharedParameters {
  readonly #parameters: readonly ThreadSharedParameter[];
  /** The shared keys, each once. */
  readonly #keys: ReadonlySet<string>;
  readonly #post: (message: HostMessage) => void;
  readonly #log: Logger;
  /** The thread's latest value per key: what an empty store starts from. */
  readonly #threadValues = new Map<string, unknown>();
  #binding: { readonly store: ParameterStore; readonly checks: [string, ThreadParameterCheck][]; readonly unsubscribes: (() => void)[] } | undefined;
  /** The key whose thread write this side is storing: the store's echo of it is not sent back. */
  #writing: string | undefined;

  constructor(parameters: readonly ThreadSharedParameter[], post: (message: HostMessage) => void, log: Logger) {
    this.#parameters = parameters;
    this.#keys = new Set(parameters.map((parameter) => parameter.key));
    this.#post = post;
    this.#log = log;
    for (const parameter of parameters) if (parameter.value !== undefined) this.#threadValues.set(parameter.key, parameter.value);
  }

  /**
   * Binds to `store` (unbinding from the previous one): the thread gets the store's value of each
   * key, or the store gets the thread's when it has none (as an in-thread module's first binding).
   */
  bind(store: ParameterStore): void {
    if (this.#binding?.store === store) return;
    this.unbind();
    const checks = this.#parameters.map((parameter): [string, ThreadParameterCheck] => [parameter.key, new ThreadParameterCheck(parameter)]);
    for (const [key, check] of checks) {
      store.bindCheck(key, check);
      store.bindParameter(key, check);
    }
    const unsubscribes: (() => void)[] = [];
    this.#binding = { store, checks, unsubscribes };
    for (const key of this.#keys) {
      if (store.has(key)) this.#send(key, store.get(key));
      else if (this.#threadValues.has(key)) this.#write(key, this.#threadValues.get(key));
      unsubscribes.push(
        store.subscribe(key, (value) => {
          if (this.#writing !== key) this.#send(key, value);
        }),
      );
    }
  }

  /** Stops sending the store's sets and checking values for this instance (its thread ended). */
  unbind(): void {
    const binding = this.#binding;
    if (binding === undefined) return;
    this.#binding = undefined;
    for (const unsubscribe of binding.unsubscribes) unsubscribe();
    for (const [key, check] of binding.checks) {
      check.isActive = false;
      binding.store.unbindCheck(key, check);
    }
  }

  /** The path's shared key when `path` names a shared parameter, else undefined. */
  keyOf(path: string): string | undefined {
    return this.#parameters.find((parameter) => parameter.path === path)?.key;
  }

  /** Problems the bound store's parameters (this instance's included) find with `value` under `key`. */
  problems(key: string, value: unknown): string[] {
    return this.#binding?.store.problems(key, value) ?? [];
  }

  /** The instance set `key` in its thread: the store keeps it, or refuses it and the thread gets the store's value back. */
  onThreadWrite(key: string, value: unknown): void {
    if (!this.#keys.has(key)) {
      this.#log.warn({ key }, 'worker thread wrote a shared key its instance did not declare; ignored');
      return;
    }
    this.#threadValues.set(key, value);
    if (this.#binding !== undefined) this.#write(key, value);
  }

  /** The thread's constraints refused the store's value: it keeps its own (a constraint this side cannot check). */
  onThreadRejected(key: string, problems: readonly string[]): void {
    this.#log.warn({ key, problems }, 'worker thread refused a shared parameter value; it keeps its previous one');
  }

  #write(key: string, value: unknown): void {
    const store = this.#binding!.store;
    this.#writing = key;
    try {
      // A RedisParameterStore answers with a Promise: a refusal rejects it, and its mirror keeps the old value.
      const written: unknown = store.set(key, value);
      if (written instanceof Promise) written.catch((error: unknown) => this.#refused(key, error));
    } catch (error) {
      this.#refused(key, error);
    } finally {
      this.#writing = undefined;
    }
  }

  #refused(key: string, error: unknown): void {
    this.#log.warn({ err: error, key }, 'shared parameter set in a worker thread was refused; the thread gets the stored value back');
    const store = this.#binding?.store;
    if (store?.has(key) === true) this.#send(key, store.get(key));
  }

  #send(key: string, value: unknown): void {
    try {
      this.#post({ type: 'shared', key, value });
    } catch (error) {
      // The thread has exited (its exit unbinds), or the value cannot be cloned (stores hold JSON data).
      this.#log.debug({ err: error, key }, 'shared parameter value not sent to the worker thread');
    }
  }
}
