import { configurationError } from '../errors';
import { validateOptions } from '../util/validate-options';
import { assertCheckpointShape } from './checkpoint-shape';
import type { Checkpoint, CheckpointStore } from './checkpoint-store';

/** Options of `MemoryCheckpointStore`. */
export interface MemoryCheckpointStoreOptions {
  /** Checkpoints kept per child, newest first (default 3). */
  keep?: number;
}

/**
 * Keeps checkpoints in memory: fast, for tests and for processes whose state need not outlive them.
 * Checkpoints are copied in and out (as JSON), so later changes to a module never alter a saved one.
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly #keep: number;
  readonly #entries = new Map<string, string[]>();

  constructor(options: MemoryCheckpointStoreOptions = {}) {
    const keep =
      (validateOptions('new MemoryCheckpointStore()', options, { keep: { kind: 'integer', min: 1 } }, { error: configurationError }).known.keep as
        number | undefined) ?? 3;
    this.#keep = keep;
  }

  async save(id: string, checkpoint: Checkpoint): Promise<void> {
    assertCheckpointShape(checkpoint, `for "${id}"`);
    const serialized = JSON.stringify(checkpoint);
    const list = this.#entries.get(id) ?? [];
    list.unshift(serialized);
    if (list.length > this.#keep) list.length = this.#keep;
    this.#entries.set(id, list);
  }

  async load(id: string): Promise<Checkpoint | undefined> {
    const newest = this.#entries.get(id)?.[0];
    return newest === undefined ? undefined : (JSON.parse(newest) as Checkpoint);
  }

  async list(id: string): Promise<Checkpoint[]> {
    return (this.#entries.get(id) ?? []).map((entry) => JSON.parse(entry) as Checkpoint);
  }

  async delete(id: string): Promise<void> {
    this.#entries.delete(id);
  }
}
