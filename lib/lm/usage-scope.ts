import { AsyncLocalStorage } from 'node:async_hooks';
import type { LMUsage } from '../primitives/prediction';
import { addUsage, type UsageTotals } from './usage';

interface UsageScope {
  readonly totals: UsageTotals;
  readonly parent: UsageScope | undefined;
}

const storage = new AsyncLocalStorage<UsageScope>();

/**
 * Runs `fn` so that every LM call it awaits adds its token usage to `totals` (and to the totals
 * of enclosing scopes). `context({ usage }, fn)` is built on this.
 */
export function runWithUsageTotals<T>(totals: UsageTotals, fn: () => T): T {
  return storage.run({ totals, parent: storage.getStore() }, fn);
}

/** Adds one call's usage to every scope it runs in. */
export function addToUsageScopes(usage: LMUsage): void {
  for (let scope = storage.getStore(); scope !== undefined; scope = scope.parent) addUsage(scope.totals, usage);
}
