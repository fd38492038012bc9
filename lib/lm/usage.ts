import type { LMUsage } from '../primitives/prediction';

/**
 * Token usage from an OpenAI-style `usage` object (`prompt_tokens`, `completion_tokens`,
 * `total_tokens`); `undefined` when the server reported none. Missing counts are 0, and a missing
 * total is the sum of the other two (some OpenAI-compatible servers omit it).
 */
export function usageFromResponse(usage: unknown): LMUsage | undefined {
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
