import { LRUCache } from 'lru-cache';
import { configurationError } from '../errors';
import { getRootLogger, type Logger } from '../logging/logger';
import { validateOptions, type OptionRules } from '../util/validate-options';
import { DEFAULT_DISK_MAX_BYTES, DiskCache, defaultCacheDirectory } from './disk-cache';

/** Options of an `LMCache`. */
export interface LMCacheOptions {
  /** Folder of the on-disk layer; `null` keeps the cache in memory only. Default: `defaultCacheDirectory()`. */
  directory?: string | null;
  /** Approximate bytes the in-memory layer may hold (default 64 MiB); `0` disables it. */
  memoryMaxBytes?: number;
  /**
   * Bytes the disk layer may hold; past it the oldest entries are removed first.
   * @default `DSPEX_CACHE_MAX_BYTES`, else 1073741824 (1 GiB)
   */
  diskMaxBytes?: number;
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
    validateOptions('LMCache', options, CACHE_RULES, { error: configurationError });
    const memoryMaxBytes = options.memoryMaxBytes ?? DEFAULT_MEMORY_MAX_BYTES;
    const log = (options.logger ?? getRootLogger()).child({ component: 'lm-cache' });
    this.directory = options.directory === undefined ? defaultCacheDirectory() : options.directory;
    const diskMaxBytes = options.diskMaxBytes ?? diskMaxBytesFromEnvironment(log);
    // Bounded by bytes rather than entries: lru-cache preallocates per-entry slots when given `max`.
    this.#memory = memoryMaxBytes === 0 ? undefined : new LRUCache({ maxSize: memoryMaxBytes, sizeCalculation: (entry) => estimateSize(entry.value) });
    this.#disk = this.directory === null ? undefined : new DiskCache(this.directory, log, diskMaxBytes);
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

const CACHE_RULES: OptionRules = {
  directory: {
    kind: 'custom',
    check: (value) => (value === null || (typeof value === 'string' && value.length > 0) ? undefined : 'a folder path, or null for memory only'),
  },
  memoryMaxBytes: { kind: 'integer', min: 0 },
  diskMaxBytes: { kind: 'integer', min: 0 },
  logger: { kind: 'any' },
};

/** `DSPEX_CACHE_MAX_BYTES` when it is a whole number ≥ 0, else the default (a malformed value is logged). */
function diskMaxBytesFromEnvironment(log: Logger): number {
  const text = process.env.DSPEX_CACHE_MAX_BYTES;
  if (text === undefined || text === '') return DEFAULT_DISK_MAX_BYTES;
  const value = Number(text);
  if (Number.isInteger(value) && value >= 0) return value;
  log.warn({ value: text }, 'DSPEX_CACHE_MAX_BYTES is not a whole number of bytes; using 1 GiB');
  return DEFAULT_DISK_MAX_BYTES;
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
