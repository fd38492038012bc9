import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Marks the work a supervisor's children do, so that while the supervisor drains on `stop()` it
 * still accepts calls its own children make to each other (a dependent draining its calls needs
 * its dependencies), while refusing calls from outside.
 */
const storage = new AsyncLocalStorage<object>();

/** Runs `fn` as work of the supervisor identified by `token`. */
export function runInSupervision<T>(token: object, fn: () => T): T {
  return storage.run(token, fn);
}

/** True while running work of the supervisor identified by `token`. */
export function isInSupervision(token: object): boolean {
  return storage.getStore() === token;
}
