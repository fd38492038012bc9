import { configurationError } from '../errors';
import { isPlainObject } from '../util/is-plain-object';
import { validateOptions } from '../util/validate-options';
import type { RedisConnection } from './redis-connection';
import type { SupervisorOptions } from './supervisor-options';

/** Options of `new Cluster()`. */
export interface ClusterOptions {
  /**
   * Where Redis is: a URL or ioredis options. Every process of one cluster points at the same Redis.
   * @example 'redis://127.0.0.1:6379'
   */
  connection: RedisConnection;
  /**
   * The first part of every Redis key, queue and channel the cluster uses; clusters with different
   * prefixes share a Redis without seeing each other.
   * @default 'dspex'
   */
  prefix?: string;
  /**
   * Options of each worker's local `Supervisor` (`maxRestarts`, `withinMs`, `logger`, …). Unless
   * `checkpointStore` names another, checkpoints go to a `RedisCheckpointStore` on `connection`.
   */
  supervisor?: SupervisorOptions;
}

/** BullMQ settings the cluster tunes (its defaults wait 30 s to notice a dead worker). */
export const CLUSTER_TIMINGS = {
  /** A running call's lock; renewed every half of it while the worker's event loop runs. */
  lockDurationMs: 5_000,
  /** How often workers look for calls whose lock expired (their worker died) and re-queue them. */
  stalledIntervalMs: 1_000,
  /** Times a call may be recovered from dead workers before it fails with `ModuleCrashedError`. */
  maxStalledCount: 5,
  /** How often a worker tells Redis it is alive (for `retire` and metrics). */
  heartbeatMs: 2_000,
  /** A worker not heard from for this long is considered gone. */
  workerStaleMs: 10_000,
  /** Finished jobs are kept this long (seconds) so a caller that missed the event can read the result. */
  keepFinishedSeconds: 120,
} as const;

/**
 * Checks `new Cluster()` options.
 * @throws {ConfigurationError} CONFIGURATION_INVALID naming the option.
 */
export function validateClusterOptions(options: unknown): { connection: RedisConnection; prefix: string; supervisor: SupervisorOptions } {
  const { known } = validateOptions(
    'Cluster',
    options,
    {
      connection: { kind: 'any', required: true },
      prefix: {
        kind: 'custom',
        check: (value) => (typeof value === 'string' && /^[\w.-]+$/.test(value) ? undefined : "a non-empty string of letters, digits, '_', '.' or '-'"),
      },
      supervisor: { kind: 'object' },
    },
    { error: configurationError, allowUndefined: false },
  );
  const supervisor = known.supervisor;
  return {
    connection: known.connection as RedisConnection,
    prefix: (known.prefix as string | undefined) ?? 'dspex',
    supervisor: isPlainObject(supervisor) ? (supervisor as SupervisorOptions) : {},
  };
}

/** Redis names of one child in one cluster. */
export class ClusterKeys {
  constructor(
    readonly prefix: string,
    readonly id: string,
  ) {}

  /** BullMQ queue name: the id encoded (queue names may not contain ':'). */
  get queue(): string {
    return `child.${encodeURIComponent(this.id)}`;
  }

  get metrics(): string {
    return `${this.prefix}:metrics:${encodeURIComponent(this.id)}`;
  }

  get latencies(): string {
    return `${this.prefix}:latency:${encodeURIComponent(this.id)}`;
  }

  get workers(): string {
    return `${this.prefix}:workers:${encodeURIComponent(this.id)}`;
  }

  /** The channel callers use to cancel running calls and to retire workers. */
  static control(prefix: string): string {
    return `${prefix}:control`;
  }
}
