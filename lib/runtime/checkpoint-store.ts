import type { CheckpointCorruptError } from '../errors';
import type { ModuleState } from './supervisable-module';

/** A saved module state: what `dumpState()` returned, with the child's id and version at the time. */
export interface Checkpoint {
  readonly id: string;
  readonly version: string;
  readonly state: ModuleState;
  /** Milliseconds since the epoch (from the supervisor's clock) when the checkpoint was taken. */
  readonly createdAt: number;
}

/** Options of `CheckpointStore.load` and `list`. */
export interface CheckpointLoadOptions {
  /**
   * Called once for each stored checkpoint found corrupt or truncated while looking for a good
   * one. The supervisor turns it into a `corrupted` registry event.
   */
  onCorrupt?: (error: CheckpointCorruptError) => void;
}

/**
 * Where a supervisor keeps checkpoints, by child id. The contract is small so stores for other
 * media (a database, object storage) are easy to write; `FileCheckpointStore` is the reference.
 *
 * - `save` stores a new newest checkpoint for `id` (older ones may be pruned).
 * - `load` returns the newest good checkpoint for `id`, skipping (and reporting) corrupt ones,
 *   or `undefined` when there is none.
 * - `list` returns the good checkpoints for `id`, newest first.
 * - `delete` removes every checkpoint of `id`.
 *
 * A store rejects an id it cannot hold (for files: one that would leave its directory) with
 * `ChildSpecError` (`CHILD_SPEC_INVALID`).
 */
export interface CheckpointStore {
  save(id: string, checkpoint: Checkpoint): Promise<void>;
  load(id: string, options?: CheckpointLoadOptions): Promise<Checkpoint | undefined>;
  list(id: string, options?: CheckpointLoadOptions): Promise<Checkpoint[]>;
  delete(id: string): Promise<void>;
}
