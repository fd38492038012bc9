import { AsyncLocalStorage } from 'node:async_hooks';

/** What a module call hands down to everything it awaits: today, the caller's abort signal. */
export interface CallScope {
  readonly signal?: AbortSignal;
}

const storage = new AsyncLocalStorage<CallScope>();

/** Runs `fn` with `scope` visible to every call it awaits (inner `Predict` calls read the signal from here). */
export function runInCallScope<T>(scope: CallScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The abort signal of the innermost module call in progress, if any. */
export function currentSignal(): AbortSignal | undefined {
  return storage.getStore()?.signal;
}
