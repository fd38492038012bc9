import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../logging/logger';

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
  readonly #log: Logger;
  readonly #createdFolders = new Set<string>();

  constructor(directory: string, logger: Logger) {
    this.directory = directory;
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
      await writeFile(temporaryPath, text, 'utf8');
      await rename(temporaryPath, this.#pathOf(key));
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
