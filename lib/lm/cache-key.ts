import { createHash } from 'node:crypto';

/**
 * Request keys that never take part in a cache key: credentials and endpoints (DSPy ignores
 * `api_key`, `api_base` and `base_url` in `dspy/clients/lm.py`), plus dspex's own call controls.
 */
const IGNORED_KEYS = new Set(['apiKey', 'api_key', 'apiBase', 'api_base', 'baseURL', 'baseUrl', 'base_url', 'headers', 'signal', 'cache']);

/**
 * The cache key of a request: SHA-256 hex of its key-sorted JSON, as DSPy's `Cache.cache_key`.
 * `undefined` members are dropped (JSON semantics); functions are named, not serialised.
 * @throws {TypeError} for circular values; callers then skip the cache for that request.
 */
export function cacheKeyOf(request: Readonly<Record<string, unknown>>): string {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) if (!IGNORED_KEYS.has(key)) kept[key] = value;
  return createHash('sha256').update(stableJson(kept, new Set())).digest('hex');
}

/** JSON with object keys sorted at every depth, so equal requests hash equally whatever their key order. */
export function stableJson(value: unknown, seen: Set<object>): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  // DSPy keys a callable by its source; a name is enough to tell tools apart without reading code.
  if (typeof value === 'function') return JSON.stringify(`<callable:${value.name || 'anonymous'}>`);
  if (typeof value !== 'object') return 'null';
  if (seen.has(value)) throw new TypeError('cannot build a cache key from a circular value');
  seen.add(value);
  try {
    const withJson = value as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === 'function' && !Array.isArray(value)) return stableJson(withJson.toJSON(), seen);
    if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : stableJson(item, seen))).join(',')}]`;
    const parts: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined || typeof item === 'symbol') continue;
      parts.push(`${JSON.stringify(key)}:${stableJson(item, seen)}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    seen.delete(value);
  }
}
