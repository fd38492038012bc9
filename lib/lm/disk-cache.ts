import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../logging/logger';

/** Default bound on the disk layer (1 GiB); `DSPEX_CACHE_MAX_BYTES` or `cache: { diskMaxBytes }` change it. */
export const DEFAULT_DISK_MAX_BYTES = 1024 * 1024 * 1024;

/** Bumped when the entry layout changes, so older entries read as misses instead of as wrong data. */
const ENTRY_FORMAT = 1;

interface DiskEntry {
  format: number;
  key: string;
  value: unknown;
}

/**
 * The default cache folder: `DSPEX_CACHE_DIR`, else a `dspex` folder in the user's cache directory
 * (`$XDG_CACHE_HOME`, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows, else `~/.cache`).
 */
export function defaultCacheDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  if (environment.DSPEX_CACHE_DIR) return environment.DSPEX_CACHE_DIR;
  if (environment.XDG_CACHE_HOME) return join(environment.XDG_CACHE_HOME, 'dspex');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'dspex');
  if (process.platform === 'win32' && environment.LOCALAPPDATA) return join(environment.LOCALAPPDATA, 'dspex', 'cache');
  return join(homedir(), '.cache', 'dspex');
}

/**
 * One JSON file per cache key (`<dir>/<first two hex digits>/<key>.json`), written to a temp file and
 * renamed into place so a reader never sees half an entry. A file that does not parse, or that holds
 * another key, is a miss and is removed: a corrupt cache must never fail an LM call.
 */
export class DiskCache {
  readonly directory: string;
  /** Bytes the folder may hold; past it the oldest entries are removed (down to 90 %, so trims are rare). */
  readonly maxBytes: number;
  readonly #log: Logger;
  readonly #createdFolders = new Set<string>();
  /** Entry sizes by key, oldest written first; read from the folder on the first write. */
  #index: Promise<Map<string, number>> | undefined;
  #bytes = 0;

  constructor(directory: string, logger: Logger, maxBytes = DEFAULT_DISK_MAX_BYTES) {
    this.directory = directory;
    this.maxBytes = maxBytes;
    this.#log = logger;
  }

  /** The stored value for `key`, or `undefined` when absent or unreadable. */
  async get(key: string): Promise<unknown> {
    const path = this.#pathOf(key);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.#log.debug({ err: error, key }, 'disk cache entry unreadable; treating as a miss');
      return undefined;
    }
    const entry = parseEntry(text);
    if (entry === undefined || entry.key !== key) {
      this.#log.debug({ key }, 'corrupt disk cache entry; removing it');
      await unlink(path).catch((error: unknown) => this.#log.debug({ err: error, key }, 'could not remove corrupt disk cache entry'));
      return undefined;
    }
    return entry.value;
  }

  /**
   * Stores `value` (which must be JSON-serialisable) under `key`. Failures are logged, not thrown:
   * the reply is already in hand, and losing a cache write only costs a later request.
   */
  async set(key: string, value: unknown): Promise<void> {
    let text: string;
    try {
      text = JSON.stringify({ format: ENTRY_FORMAT, key, value } satisfies DiskEntry);
    } catch (error) {
      this.#log.debug({ err: error, key }, 'reply is not JSON-serialisable; not cached on disk');
      return;
    }
    const folder = join(this.directory, key.slice(0, 2));
    const temporaryPath = join(folder, `.${key}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      if (!this.#createdFolders.has(folder)) {
        await mkdir(folder, { recursive: true });
        this.#createdFolders.add(folder);
      }
      const index = await this.#loadIndex();
      await writeFile(temporaryPath, text, 'utf8');
      await rename(temporaryPath, this.#pathOf(key));
      this.#bytes -= index.get(key) ?? 0;
      index.delete(key);
      const size = Buffer.byteLength(text, 'utf8');
      index.set(key, size);
      this.#bytes += size;
      if (this.#bytes > this.maxBytes) await this.#trim(index);
    } catch (error) {
      this.#createdFolders.delete(folder);
      this.#log.warn({ err: error, directory: this.directory }, 'could not write disk cache entry');
      await rm(temporaryPath, { force: true }).catch((removeError: unknown) => this.#log.debug({ err: removeError }, 'could not remove temp cache file'));
    }
  }

  /** Removes every entry (the whole cache folder). */
  async clear(): Promise<void> {
    await rm(this.directory, { recursive: true, force: true });
    this.#createdFolders.clear();
    this.#index = undefined;
    this.#bytes = 0;
  }

  /** The bytes of entries this process knows of (those found on the first write, plus its own writes). */
  get knownBytes(): number {
    return this.#bytes;
  }

  /** Removes the oldest entries until the folder is back under 90 % of `maxBytes`. */
  async #trim(index: Map<string, number>): Promise<void> {
    const target = Math.floor(this.maxBytes * 0.9);
    const removed: string[] = [];
    for (const [key, size] of index) {
      if (this.#bytes <= target) break;
      index.delete(key);
      this.#bytes -= size;
      removed.push(key);
    }
    await Promise.all(
      removed.map((key) => unlink(this.#pathOf(key)).catch((error: unknown) => this.#log.debug({ err: error, key }, 'could not remove trimmed cache entry'))),
    );
    this.#log.debug({ removed: removed.length, bytes: this.#bytes, maxBytes: this.maxBytes }, 'disk cache trimmed, oldest entries first');
  }

  /** Reads the sizes and ages of the entries already on disk, once (several processes may share the folder). */
  #loadIndex(): Promise<Map<string, number>> {
    this.#index ??= this.#scan();
    return this.#index;
  }

  async #scan(): Promise<Map<string, number>> {
    const found: { key: string; size: number; modified: number }[] = [];
    const folders = await readdir(this.directory).catch(() => [] as string[]);
    for (const folder of folders) {
      if (!/^[0-9a-f]{2}$/.test(folder)) continue;
      const names = await readdir(join(this.directory, folder)).catch(() => [] as string[]);
      for (const name of names) {
        if (!/^[0-9a-f]{64}\.json$/.test(name)) continue;
        const info = await stat(join(this.directory, folder, name)).catch(() => undefined);
        if (info !== undefined) found.push({ key: name.slice(0, 64), size: info.size, modified: info.mtimeMs });
      }
    }
    found.sort((left, right) => left.modified - right.modified);
    const index = new Map<string, number>();
    for (const entry of found) {
      index.set(entry.key, entry.size);
      this.#bytes += entry.size;
    }
    return index;
  }

  #pathOf(key: string): string {
    return join(this.directory, key.slice(0, 2), `${key}.json`);
  }
}

function parseEntry(text: string): DiskEntry | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const entry = parsed as Partial<DiskEntry>;
    if (entry.format !== ENTRY_FORMAT || typeof entry.key !== 'string' || !('value' in entry)) return undefined;
    return entry as DiskEntry;
  } catch {
    // A truncated or hand-edited file: the caller removes it and treats it as a miss.
    return undefined;
  }
}
