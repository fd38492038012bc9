import { LRUCache } from 'lru-cache';
import { ConfigurationError, describeProblem, describeValue } from '../errors';
import { getRootLogger, type Logger } from '../logging/logger';
import { DiskCache, defaultCacheDirectory } from './disk-cache';

/** Options of an `LMCache`. */
export interface LMCacheOptions {
  /** Folder of the on-disk layer; `null` keeps the cache in memory only. Default: `defaultCacheDirectory()`. */
  directory?: string | null;
  /** Approximate bytes the in-memory layer may hold (default 64 MiB); `0` disables it. */
  memoryMaxBytes?: number;
  logger?: Logger;
}

const DEFAULT_MEMORY_MAX_BYTES = 64 * 1024 * 1024;
const KEY_PATTERN = /^[0-9a-f]{64}$/;

/**
 * DSPy's two-level request cache (`dspy/clients/cache.py`): an in-memory LRU in front of an on-disk
 * store, both keyed by `cacheKeyOf(request)`. A memory miss that hits disk is promoted to memory.
 * Values are stored as given; readers must treat them as read-only.
 */
export class LMCache {
  readonly directory: string | null;
  readonly #memory: LRUCache<string, { value: unknown }> | undefined;
  readonly #disk: DiskCache | undefined;

  constructor(options: LMCacheOptions = {}) {
    const memoryMaxBytes = options.memoryMaxBytes ?? DEFAULT_MEMORY_MAX_BYTES;
    if (!Number.isInteger(memoryMaxBytes) || memoryMaxBytes < 0) {
      throw new ConfigurationError(describeProblem('memoryMaxBytes must be a whole number ≥ 0.', describeValue(memoryMaxBytes), 'Pass e.g. 67108864 (64 MiB), or 0 for no memory layer.'));
    }
    const log = (options.logger ?? getRootLogger()).child({ component: 'lm-cache' });
    this.directory = options.directory === undefined ? defaultCacheDirectory() : options.directory;
    // Bounded by bytes rather than entries: lru-cache preallocates per-entry slots when given `max`.
    this.#memory = memoryMaxBytes === 0 ? undefined : new LRUCache({ maxSize: memoryMaxBytes, sizeCalculation: (entry) => estimateSize(entry.value) });
    this.#disk = this.directory === null ? undefined : new DiskCache(this.directory, log);
  }

  /** The value in memory for `key`, without touching disk (the fast path of every cache hit). */
  getFromMemory(key: string): unknown {
    return this.#memory?.get(key)?.value;
  }

  /** The value for `key` from memory, else from disk (then promoted to memory); `undefined` on a miss. */
  async get(key: string): Promise<unknown> {
    const inMemory = this.#memory?.get(key);
    if (inMemory !== undefined) return inMemory.value;
    if (this.#disk === undefined || !KEY_PATTERN.test(key)) return undefined;
    const onDisk = await this.#disk.get(key);
    if (onDisk !== undefined) this.#memory?.set(key, { value: onDisk });
    return onDisk;
  }

  /** Stores `value` in memory and on disk. A disk failure is logged, never thrown. */
  async set(key: string, value: unknown): Promise<void> {
    this.#memory?.set(key, { value });
    if (this.#disk !== undefined && KEY_PATTERN.test(key)) await this.#disk.set(key, value);
  }

  /** Forgets the in-memory layer (DSPy's `reset_memory_cache`). */
  clearMemory(): void {
    this.#memory?.clear();
  }

  /** Forgets both layers, removing the cache folder. */
  async clear(): Promise<void> {
    this.clearMemory();
    await this.#disk?.clear();
  }
}

/** Rough bytes of a cached value: its JSON length, or a flat guess for values JSON cannot hold. */
function estimateSize(value: unknown): number {
  try {
    return Math.max(1, JSON.stringify(value)?.length ?? 1);
  } catch {
    return 4096;
  }
}

let defaultCache: LMCache | undefined;

/**
 * The process-wide cache every LM uses unless given its own (as DSPy's `dspy.cache`), created on
 * first use so `DSPEX_CACHE_DIR` set at start-up is honoured.
 */
export function getDefaultLMCache(): LMCache {
  defaultCache ??= new LMCache();
  return defaultCache;
}
