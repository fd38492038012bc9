/**
 * Sets `target[key] = value` as an own, enumerable, writable property. Plain assignment of a
 * `"__proto__"` key would call the prototype setter instead; data read from an LM or a file keeps
 * such a key as data (as `JSON.parse` does).
 */
export function setOwnProperty(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
