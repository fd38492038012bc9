/** What a scrubbed secret reads as. */
export const REDACTED = '[redacted]';

/** `text` with every occurrence of each secret replaced by `[redacted]` (secrets longest first). */
export function scrubText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  return result;
}

/**
 * Scrubs every string and key of freshly parsed JSON in place and returns it. Iterative, so a
 * deeply nested reply cannot overflow the stack; keys are re-added as own data properties, so a
 * `__proto__` key stays an own key.
 */
export function scrubParsedJson(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return scrubText(value, secrets);
  const pending: object[] = typeof value === 'object' && value !== null ? [value] : [];
  while (pending.length > 0) {
    const container = pending.pop() as Record<string, unknown>;
    for (const key of Object.keys(container)) {
      const item = container[key];
      let scrubbed: unknown = item;
      if (typeof item === 'string') scrubbed = scrubText(item, secrets);
      else if (typeof item === 'object' && item !== null) pending.push(item);
      const scrubbedKey = Array.isArray(container) ? key : scrubText(key, secrets);
      if (scrubbedKey === key && scrubbed === item) continue;
      if (scrubbedKey !== key) delete container[key];
      // defineProperty, not assignment: an own "__proto__" key must stay data.
      Object.defineProperty(container, scrubbedKey, { value: scrubbed, writable: true, enumerable: true, configurable: true });
    }
  }
  return value;
}
