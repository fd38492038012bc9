import type { Redis } from 'ioredis';
import { CheckpointCorruptError, ChildSpecError, describeProblem, describeValue, configurationError } from '../errors';
import { validateOptions } from '../util/validate-options';
import { decodeCheckpointFile, encodeCheckpointFile } from './checkpoint-file-format';
import { assertCheckpointShape } from './checkpoint-shape';
import type { Checkpoint, CheckpointLoadOptions, CheckpointStore } from './checkpoint-store';
import { ConnectionHealth, closeRedisClient, createRedisClient, resolveRedisOptions, withinRetryBudget, type RedisConnection } from './redis-connection';

/** Options of `new RedisCheckpointStore()`. */
export interface RedisCheckpointStoreOptions {
  /**
   * Where Redis is: a URL or ioredis options.
   * @example 'redis://127.0.0.1:6379'
   */
  connection: RedisConnection;
  /**
   * The first part of every key this store writes (`<prefix>:checkpoint:<id>`).
   * @default 'dspex'
   */
  prefix?: string;
  /**
   * Checkpoints kept per child, newest first.
   * @default 3
   */
  keep?: number;
}

/**
 * Keeps checkpoints in Redis, with `FileCheckpointStore`'s contract: each child's checkpoints are
 * one Redis list, newest first; a save pushes and trims in one MULTI/EXEC (atomic: readers see the
 * old list or the new one, and concurrent savers in several processes never collide); each entry
 * carries a SHA-256 of its body, so a corrupt entry is reported through `onCorrupt` and skipped in
 * favour of the previous good one. Every operation gives up with `ClusterUnavailableError` when
 * Redis stays unreachable for the retry budget (about 5 s).
 * @example
 * const store = new RedisCheckpointStore({ connection: 'redis://127.0.0.1:6379', keep: 5 });
 * const supervisor = new Supervisor({ checkpointStore: store });
 */
export class RedisCheckpointStore implements CheckpointStore {
  readonly prefix: string;
  readonly #keep: number;
  readonly #client: Redis;
  readonly #health = new ConnectionHealth();

  /** @throws {ConfigurationError} CONFIGURATION_INVALID for a missing or invalid option. */
  constructor(options: RedisCheckpointStoreOptions) {
    const { known } = validateOptions(
      'RedisCheckpointStore',
      options,
      {
        connection: { kind: 'any', required: true },
        prefix: { kind: 'string' },
        keep: { kind: 'integer', min: 1 },
      },
      { error: configurationError, allowUndefined: false },
    );
    const redisOptions = resolveRedisOptions('RedisCheckpointStore', known.connection);
    this.prefix = (known.prefix as string | undefined) ?? 'dspex';
    this.#keep = (known.keep as number | undefined) ?? 3;
    this.#client = createRedisClient(redisOptions, this.#health, `${this.prefix}:checkpoints`);
  }

  /** The Redis key holding the checkpoints of `id`. */
  keyOf(id: string): string {
    if (typeof id !== 'string' || id.length === 0 || id.includes('\0')) {
      throw new ChildSpecError(
        describeProblem('This child id cannot name a checkpoint list.', describeValue(id), "Use a non-empty id such as 'qa' or 'team/qa'."),
        {
          details: { id, field: 'id' },
        },
      );
    }
    return `${this.prefix}:checkpoint:${encodeURIComponent(id)}`;
  }

  async save(id: string, checkpoint: Checkpoint): Promise<void> {
    const key = this.keyOf(id);
    assertCheckpointShape(checkpoint, `for "${id}"`);
    const bytes = encodeCheckpointFile(checkpoint);
    const results = await withinRetryBudget(
      `saving a checkpoint of "${id}"`,
      () =>
        this.#client
          .multi()
          .lpush(key, bytes)
          .ltrim(key, 0, this.#keep - 1)
          .exec(),
      this.#health,
    );
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
  }

  async load(id: string, options: CheckpointLoadOptions = {}): Promise<Checkpoint | undefined> {
    const key = this.keyOf(id);
    const entries = await this.#entries(id, key);
    for (let index = 0; index < entries.length; index += 1) {
      const checkpoint = this.#decode(entries[index], key, index, id, options);
      if (checkpoint !== undefined) return checkpoint;
    }
    return undefined;
  }

  async list(id: string, options: CheckpointLoadOptions = {}): Promise<Checkpoint[]> {
    const key = this.keyOf(id);
    const entries = await this.#entries(id, key);
    const checkpoints: Checkpoint[] = [];
    entries.forEach((entry, index) => {
      const checkpoint = this.#decode(entry, key, index, id, options);
      if (checkpoint !== undefined) checkpoints.push(checkpoint);
    });
    return checkpoints;
  }

  async delete(id: string): Promise<void> {
    const key = this.keyOf(id);
    await withinRetryBudget(`deleting the checkpoints of "${id}"`, () => this.#client.del(key), this.#health);
  }

  /** Closes the store's Redis connection; later operations reject. */
  async close(): Promise<void> {
    await closeRedisClient(this.#client);
  }

  #entries(id: string, key: string): Promise<Buffer[]> {
    return withinRetryBudget(`loading the checkpoints of "${id}"`, () => this.#client.lrangeBuffer(key, 0, -1), this.#health);
  }

  #decode(bytes: Buffer, key: string, index: number, id: string, options: CheckpointLoadOptions): Checkpoint | undefined {
    try {
      return decodeCheckpointFile(bytes, `${key}[${index}]`, id);
    } catch (error) {
      if (!(error instanceof CheckpointCorruptError)) throw error;
      options.onCorrupt?.(error);
      return undefined;
    }
  }
}
