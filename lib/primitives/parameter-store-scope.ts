import { AsyncLocalStorage } from 'node:async_hooks';
import type { ParameterStore } from './parameter-store';

const storage = new AsyncLocalStorage<ParameterStore>();

/**
 * Runs `fn` so that modules constructed inside it bind their shared parameters to `store` from the
 * start (the supervisor calls each child's `start()` this way). Without it, a shared initializer
 * would first write to `ParameterStore.global`.
 */
export function runWithParameterStore<T>(store: ParameterStore, fn: () => T): T {
  return storage.run(store, fn);
}

/** The store modules constructed here bind to, if a supervisor is starting them. */
export function ambientParameterStore(): ParameterStore | undefined {
  return storage.getStore();
}
