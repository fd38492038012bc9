/** Deeper values are written whole (JSON.stringify needs no bound); this only keeps the walk's recursion short. */
const MAX_PREVIEW_DEPTH = 100;

/** True for JSON data only (strings, numbers, booleans, null, plain arrays and objects), at most `MAX_PREVIEW_DEPTH` deep. */
function isJsonData(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return true;
  if (typeof value !== 'object' || depth > MAX_PREVIEW_DEPTH) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (isArray ? prototype !== Array.prototype : prototype !== Object.prototype && prototype !== null) return false;
  // A loop, not `every`: 125,000 items cost no callbacks (holes are skipped, as `every` skips them).
  const items: readonly unknown[] = isArray ? (value as readonly unknown[]) : Object.values(value);
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index];
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean' || item === null) continue;
    if (item === undefined && !(index in items)) continue;
    if (!isJsonData(item, depth + 1)) return false;
  }
  return true;
}

/** JSON data with strings, lists and objects cut after `length + 1` characters, items or keys. */
function cutData(value: unknown, length: number): unknown {
  if (typeof value === 'string') return value.length > length + 1 ? value.slice(0, length + 1) : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value.length > length + 1 ? value.slice(0, length + 1) : value).map((item: unknown) => cutData(item, length));
  const record = value as Readonly<Record<string, unknown>>;
  const cut: Record<string, unknown> = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  const keys = Object.keys(record);
  for (const key of keys.length > length + 1 ? keys.slice(0, length + 1) : keys) {
    // defineProperty keeps a "__proto__" key an own property, as in the value.
    Object.defineProperty(cut, key, { value: cutData(record[key], length), enumerable: true, writable: true, configurable: true });
  }
  return cut;
}

/**
 * A stand-in for `value` whose JSON starts with the same `length` characters and is longer than
 * `length` exactly when the value's is (every item or key cut writes at least one character), so
 * a message quotes the start of a 1 MB value without writing all of it. Kept whole unless JSON data.
 */
export function previewOf(value: unknown, length: number): unknown {
  return value !== null && typeof value === 'object' && isJsonData(value) ? cutData(value, length) : value;
}
