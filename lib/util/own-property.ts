/**
 * Sets `target[key] = value` as an own, enumerable, writable property. Plain assignment of a
 * `"__proto__"` key would call the prototype setter instead; data read from an LM or a file keeps
 * such a key as data (as `JSON.parse` does).
 */
export function setOwnProperty(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * `target[key] = value` (plain assignment: fast, and it runs setters a class installs), except a
 * `"__proto__"` key, which becomes an own property (`setOwnProperty`) instead of a prototype.
 */
export function assignOwnKey(target: object, key: string, value: unknown): void {
  if (key === '__proto__') setOwnProperty(target, key, value);
  else (target as Record<string, unknown>)[key] = value;
}
