/** Keys that would reach an object's prototype if copied from untrusted JSON. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** True when `key` must never be assigned from loaded data. */
export function isUnsafeKey(key: string): boolean {
  return UNSAFE_KEYS.has(key);
}
