import { AsyncLocalStorage } from 'node:async_hooks';
import type { LMUsage } from '../primitives/prediction';

interface UsageScope {
  readonly totals: LMUsage;
  readonly parent: UsageScope | undefined;
}

const storage = new AsyncLocalStorage<UsageScope>();

/**
 * Runs `fn` so that every LM call it awaits adds its token usage to `totals` (and to the totals
 * of enclosing scopes). `context({ usage }, fn)` is built on this.
 */
export function runWithUsageTotals<T>(totals: LMUsage, fn: () => T): T {
  return storage.run({ totals, parent: storage.getStore() }, fn);
}

/** Adds one call's usage to every scope it runs in. */
export function addToUsageScopes(usage: LMUsage): void {
  for (let scope = storage.getStore(); scope !== undefined; scope = scope.parent) {
    scope.totals.promptTokens += usage.promptTokens;
    scope.totals.completionTokens += usage.completionTokens;
    scope.totals.totalTokens += usage.totalTokens;
  }
}
