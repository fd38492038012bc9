import { randomUUID } from 'node:crypto';
import { writeFileAtomically } from '../util/write-file-atomically';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CheckpointCorruptError, ChildSpecError, ConfigurationError, describeProblem, describeValue, configurationError } from '../errors';
import { validateOptions } from '../util/validate-options';
import { decodeCheckpointFile, encodeCheckpointFile } from './checkpoint-file-format';
import { assertCheckpointShape } from './checkpoint-shape';
import type { Checkpoint, CheckpointLoadOptions, CheckpointStore } from './checkpoint-store';

/** Options of `FileCheckpointStore`. */
export interface FileCheckpointStoreOptions {
  /** Checkpoints kept per child, newest first (default 3). */
  keep?: number;
}

const FILE_PATTERN = /^(\d{12})\.ckpt$/;
const TEMPORARY_PREFIX = '.tmp-';
/** The longest file name common file systems accept (ext4, APFS, NTFS). */
const MAX_FOLDER_NAME_BYTES = 255;

/**
 * Keeps checkpoints as files under `dir`, one folder per child. Each write is atomic (temp file,
 * fsync, rename, fsync of the folder), so a crash mid-write leaves the previous checkpoint intact;
 * each file carries a SHA-256 of its body, so a corrupt or truncated file is detected, reported
 * through `onCorrupt`, and skipped in favour of the previous good one.
 * @example
 * const supervisor = new Supervisor({ checkpointStore: new FileCheckpointStore('./checkpoints', { keep: 5 }) });
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly dir: string;
  readonly #keep: number;
  /** Saves of one child run one at a time, so sequence numbers never collide. */
  readonly #writes = new Map<string, Promise<void>>();

  constructor(dir: string, options: FileCheckpointStoreOptions = {}) {
    if (typeof dir !== 'string' || dir.length === 0) {
      throw new ConfigurationError(
        describeProblem('FileCheckpointStore needs a directory path.', describeValue(dir), "Pass e.g. new FileCheckpointStore('./checkpoints')."),
      );
    }
    const keep =
      (validateOptions('new FileCheckpointStore()', options, { keep: { kind: 'integer', min: 1 } }, { error: configurationError }).known.keep as
        number | undefined) ?? 3;
    this.dir = path.resolve(dir);
    this.#keep = keep;
  }

  async save(id: string, checkpoint: Checkpoint): Promise<void> {
    const folder = this.#folderOf(id);
    assertCheckpointShape(checkpoint, `for "${id}"`);
    const bytes = encodeCheckpointFile(checkpoint);
    const previous = this.#writes.get(id) ?? Promise.resolve();
    const write = previous.then(() => this.#write(folder, bytes));
    // The chain must continue after a failed write; the failure itself reaches this save's caller.
    const settled = write.catch(() => undefined);
    this.#writes.set(id, settled);
    try {
      await write;
    } finally {
      if (this.#writes.get(id) === settled) this.#writes.delete(id);
    }
  }

  async load(id: string, options: CheckpointLoadOptions = {}): Promise<Checkpoint | undefined> {
    const folder = this.#folderOf(id);
    for (const file of await this.#files(folder)) {
      const checkpoint = await this.#read(folder, file, id, options);
      if (checkpoint !== undefined) return checkpoint;
    }
    return undefined;
  }

  async list(id: string, options: CheckpointLoadOptions = {}): Promise<Checkpoint[]> {
    const folder = this.#folderOf(id);
    const checkpoints: Checkpoint[] = [];
    for (const file of await this.#files(folder)) {
      const checkpoint = await this.#read(folder, file, id, options);
      if (checkpoint !== undefined) checkpoints.push(checkpoint);
    }
    return checkpoints;
  }

  async delete(id: string): Promise<void> {
    await fs.rm(this.#folderOf(id), { recursive: true, force: true });
  }

  /**
   * The folder of a child, after rejecting ids that would leave `dir`.
   * @throws {ChildSpecError} CHILD_SPEC_INVALID for an absolute path, a `..` segment, `.`, a NUL byte, or an encoded name over 255 bytes.
   */
  #folderOf(id: string): string {
    const escapes =
      typeof id !== 'string' ||
      id.length === 0 ||
      id.includes('\0') ||
      path.isAbsolute(id) ||
      path.win32.isAbsolute(id) ||
      id.split(/[\\/]/).some((segment) => segment === '..' || segment === '.');
    if (escapes) {
      throw new ChildSpecError(
        describeProblem(
          'This child id cannot name a checkpoint folder: it would leave the store directory.',
          describeValue(id),
          "Use a plain id such as 'qa' or 'team/qa' (no '..', '.', or absolute paths).",
        ),
        { details: { id, field: 'id', dir: this.dir } },
      );
    }
    // encodeURIComponent flattens separators ('team/qa' → 'team%2Fqa'), so every child gets one folder directly under dir.
    const name = encodeURIComponent(id);
    // File systems cap a name at 255 bytes (the encoding is ASCII); a longer one would fail on every save, silently losing state.
    if (name.length > MAX_FOLDER_NAME_BYTES) {
      throw new ChildSpecError(
        describeProblem(
          `This child id is too long for a checkpoint folder: encoded, it takes ${name.length} bytes, more than the ${MAX_FOLDER_NAME_BYTES} a file name may have.`,
          describeValue(id),
          'Use a shorter id (non-ASCII characters take 6 to 12 bytes each once encoded).',
        ),
        { details: { id, field: 'id', dir: this.dir, encodedBytes: name.length } },
      );
    }
    return path.join(this.dir, name);
  }

  /** Checkpoint file names of a folder, newest first. */
  async #files(folder: string): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.readdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.filter((name) => FILE_PATTERN.test(name)).sort((left, right) => (left < right ? 1 : left > right ? -1 : 0));
  }

  async #read(folder: string, file: string, id: string, options: CheckpointLoadOptions): Promise<Checkpoint | undefined> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(path.join(folder, file));
    } catch (error) {
      // Pruned by a concurrent save between readdir and read: simply not there any more.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return decodeCheckpointFile(bytes, path.join(folder, file), id);
    } catch (error) {
      if (!(error instanceof CheckpointCorruptError)) throw error;
      options.onCorrupt?.(error);
      return undefined;
    }
  }

  async #write(folder: string, bytes: Buffer): Promise<void> {
    await fs.mkdir(folder, { recursive: true });
    const files = await this.#files(folder);
    const newest = files.length === 0 ? 0 : Number(FILE_PATTERN.exec(files[0])![1]);
    const target = path.join(folder, `${String(newest + 1).padStart(12, '0')}.ckpt`);
    await writeFileAtomically(target, bytes, { temporaryPath: path.join(folder, `${TEMPORARY_PREFIX}${randomUUID()}`) });
    await this.#prune(folder);
  }

  /** Keeps the newest `keep` checkpoints and removes temp files left by writers that died mid-write. */
  async #prune(folder: string): Promise<void> {
    const names = await fs.readdir(folder);
    const checkpoints = names
      .filter((name) => FILE_PATTERN.test(name))
      .sort()
      .reverse();
    const stale = [...checkpoints.slice(this.#keep), ...names.filter((name) => name.startsWith(TEMPORARY_PREFIX))];
    await Promise.all(stale.map((name) => fs.rm(path.join(folder, name), { force: true })));
  }
}
