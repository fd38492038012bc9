import type { LMUsage } from '../primitives/prediction';

/** Token counts of one reply, before a cost is known. */
export type TokenCounts = Omit<LMUsage, 'cost'>;

/** Running totals a caller hands to `context({ usage })`; a missing `cost` starts at 0 once a call is added. */
export type UsageTotals = TokenCounts & { cost?: number | null };

/** Dollar prices of a model, per million tokens (`new LM(model, { pricing })`). */
export interface LMPricing {
  inputPerMillion: number;
  outputPerMillion: number;
}

/**
 * Token usage from an OpenAI-style `usage` object (`prompt_tokens`, `completion_tokens`,
 * `total_tokens`); `undefined` when the server reported none. Missing counts are 0, and a missing
 * total is the sum of the other two (some OpenAI-compatible servers omit it).
 */
export function usageFromResponse(usage: unknown): TokenCounts | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const raw = usage as Record<string, unknown>;
  const promptTokens = count(raw.prompt_tokens);
  const completionTokens = count(raw.completion_tokens);
  const totalTokens = raw.total_tokens === undefined ? promptTokens + completionTokens : count(raw.total_tokens);
  return { promptTokens, completionTokens, totalTokens };
}

/** The cost a provider reported with the usage (OpenRouter's `usage.cost`, in dollars), when it did. */
export function costFromResponse(usage: unknown): number | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const cost = (usage as Record<string, unknown>).cost;
  return typeof cost === 'number' && Number.isFinite(cost) ? cost : undefined;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** The cost of `tokens` at `pricing`, in dollars. */
export function priceOf(tokens: TokenCounts, pricing: LMPricing): number {
  return (tokens.promptTokens * pricing.inputPerMillion + tokens.completionTokens * pricing.outputPerMillion) / 1_000_000;
}

/** `a + b` where an unknown (`null`) cost makes the sum unknown. */
export function addCosts(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

/** Adds `usage` into `totals` in place; a total that includes an unknown cost is `null`. */
export function addUsage(totals: UsageTotals, usage: LMUsage): void {
  totals.promptTokens += usage.promptTokens;
  totals.completionTokens += usage.completionTokens;
  totals.totalTokens += usage.totalTokens;
  // A totals object from before costs were tracked (no `cost` key) starts at 0.
  totals.cost = addCosts(totals.cost === undefined ? 0 : totals.cost, usage.cost);
}
