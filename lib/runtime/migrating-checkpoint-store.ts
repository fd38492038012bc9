import type { Checkpoint, CheckpointLoadOptions, CheckpointStore } from './checkpoint-store';
import type { ModuleState } from './supervisable-module';

/** Maps a checkpoint written by another version into this version's state layout. */
export type MigrateFunction = (state: ModuleState, fromVersion: string) => ModuleState | Promise<ModuleState>;

/**
 * A cluster worker's view of the checkpoint store: a checkpoint of another version of a served
 * child is passed through that child's `migrate` when loaded, so a new-version worker starts from
 * the id's latest checkpoint (`cluster.serve` takes `migrate`; `startChild` does not).
 */
export class MigratingCheckpointStore implements CheckpointStore {
  readonly #inner: CheckpointStore;
  readonly #served = new Map<string, { version: string; migrate: MigrateFunction | undefined }>();

  constructor(inner: CheckpointStore) {
    this.#inner = inner;
  }

  serve(id: string, version: string, migrate: MigrateFunction | undefined): void {
    this.#served.set(id, { version, migrate });
  }

  forget(id: string): void {
    this.#served.delete(id);
  }

  save(id: string, checkpoint: Checkpoint): Promise<void> {
    return this.#inner.save(id, checkpoint);
  }

  async load(id: string, options?: CheckpointLoadOptions): Promise<Checkpoint | undefined> {
    const checkpoint = await this.#inner.load(id, options);
    const served = this.#served.get(id);
    if (checkpoint === undefined || served === undefined || served.migrate === undefined || checkpoint.version === served.version) return checkpoint;
    return { ...checkpoint, version: served.version, state: await served.migrate(checkpoint.state, checkpoint.version) };
  }

  list(id: string, options?: CheckpointLoadOptions): Promise<Checkpoint[]> {
    return this.#inner.list(id, options);
  }

  delete(id: string): Promise<void> {
    return this.#inner.delete(id);
  }
}
