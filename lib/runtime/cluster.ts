import type { Redis, RedisOptions } from 'ioredis';
import { ChildSpecError, InputValidationError, describeProblem, describeValue } from '../errors';
import { getRootLogger, type Logger } from '../logging/logger';
import type { CheckpointStore } from './checkpoint-store';
import { ClusterCaller, type ClusterModuleRef } from './cluster-caller';
import { CLUSTER_TIMINGS, ClusterKeys, validateClusterOptions, type ClusterOptions } from './cluster-options';
import type { ControlMessage, WorkerEntry } from './cluster-protocol';
import { ServedChild, type ClusterServeSpec, type ServeHandle } from './cluster-server';
import { MigratingCheckpointStore } from './migrating-checkpoint-store';
import type { ChildMetrics } from './metrics';
import { RedisCheckpointStore } from './redis-checkpoint-store';
import { ConnectionHealth, closeRedisClient, createRedisClient, resolveRedisOptions, withinRetryBudget } from './redis-connection';
import { Supervisor } from './supervisor';
import type { SupervisorOptions } from './supervisor-options';

/** Options of `cluster.retire`. */
export interface RetireOptions {
  /** Stops waiting (rejects with `signal.reason`); the workers still retire. */
  signal?: AbortSignal;
}

/**
 * Supervised modules served by worker processes through BullMQ queues on Redis. Worker processes
 * `serve` child specs (each call of a child is a job on the child's queue, run on the worker's local
 * `Supervisor`); any process calls them through `ref(id)`. A worker that dies loses no call: BullMQ
 * hands its running jobs to another worker once their lock expires (at-least-once delivery; each
 * caller sees its call settle once).
 * @example
 * // worker.js
 * const cluster = new Cluster({ connection: 'redis://127.0.0.1:6379' });
 * await cluster.serve({ id: 'qa', start: () => new QA(), concurrency: 16 });
 * // caller.js
 * const answer = await new Cluster({ connection: 'redis://127.0.0.1:6379' }).ref('qa').forward({ question: '…' });
 */
export class Cluster {
  readonly prefix: string;
  readonly #redisOptions: RedisOptions;
  readonly #supervisorOptions: SupervisorOptions;
  readonly #health = new ConnectionHealth();
  readonly #log: Logger;
  readonly #callers = new Map<string, ClusterCaller>();
  readonly #served = new Set<ServedChild>();
  #commands: Redis | undefined;
  #subscriber: Redis | undefined;
  #subscribed: Promise<void> | undefined;
  #supervisor: Supervisor | undefined;
  #store: MigratingCheckpointStore | undefined;
  #ownStore: RedisCheckpointStore | undefined;
  #closed = false;

  /** @throws {ConfigurationError} CONFIGURATION_INVALID for invalid options. */
  constructor(options: ClusterOptions) {
    const valid = validateClusterOptions(options);
    this.prefix = valid.prefix;
    this.#redisOptions = resolveRedisOptions('Cluster', valid.connection);
    this.#supervisorOptions = valid.supervisor;
    this.#log = (valid.supervisor.logger ?? getRootLogger()).child({ component: 'cluster', prefix: this.prefix });
  }

  /**
   * Serves a child in this process: starts it on the local supervisor (from the id's latest
   * checkpoint, through `migrate` when another version wrote it) and takes its calls from the queue.
   * @throws {ChildSpecError} CHILD_SPEC_INVALID for an invalid spec (as `startChild`).
   * @throws {ClusterUnavailableError} CLUSTER_UNAVAILABLE when Redis stays unreachable for the retry budget.
   */
  async serve(spec: ClusterServeSpec): Promise<ServeHandle> {
    if (spec === null || typeof spec !== 'object' || typeof spec.id !== 'string' || spec.id.length === 0) {
      throw new ChildSpecError(
        describeProblem('cluster.serve needs a child spec with an id.', describeValue(spec), "Pass e.g. { id: 'qa', start: () => new QA() }."),
        { details: { field: 'id' } },
      );
    }
    if (spec.migrate !== undefined && typeof spec.migrate !== 'function') {
      throw new ChildSpecError(
        describeProblem(`Child spec "${spec.id}" has an invalid "migrate".`, describeValue(spec.migrate), 'Pass (oldState, fromVersion) => newState.'),
        { details: { id: spec.id, field: 'migrate' } },
      );
    }
    try {
      await withinRetryBudget(`serving "${spec.id}"`, () => this.#listenForControl(), this.#health);
    } catch (error) {
      this.#subscribed = undefined;
      throw error;
    }
    const served = new ServedChild(new ClusterKeys(this.prefix, spec.id), spec.version ?? '1', {
      supervisor: this.#localSupervisor(),
      store: this.#store!,
      commands: this.#commandClient(),
      redisOptions: this.#redisOptions,
      prefix: this.prefix,
      health: this.#health,
      log: this.#log,
      onStopped: (child) => this.#served.delete(child),
    });
    this.#served.add(served);
    try {
      await served.start(spec);
    } catch (error) {
      await served.stop().catch(() => undefined);
      throw error;
    }
    return served;
  }

  /** A handle on a served child; works from any process (it need not serve anything). */
  ref(id: string): ClusterModuleRef {
    if (typeof id !== 'string' || id.length === 0) {
      throw new InputValidationError(
        describeProblem('cluster.ref needs a child id.', describeValue(id), "Pass the id the workers serve, e.g. cluster.ref('qa')."),
        { details: { field: 'id' } },
      );
    }
    let caller = this.#callers.get(id);
    if (caller === undefined) {
      caller = new ClusterCaller(id, {
        prefix: this.prefix,
        redisOptions: this.#redisOptions,
        commands: () => this.#commandClient(),
        health: this.#health,
        log: this.#log,
      });
      this.#callers.set(id, caller);
    }
    return caller;
  }

  /** The child's counters summed over every worker, latency percentiles over their recent calls. */
  metrics(id: string): Promise<ChildMetrics> {
    return this.ref(id).metrics();
  }

  /**
   * Retires a version: its workers stop taking calls, finish the running ones and stop serving.
   * Resolves once no live worker serves `id` at `version` (workers of other versions keep serving).
   * @throws {ClusterUnavailableError} CLUSTER_UNAVAILABLE when Redis stays unreachable for the retry budget.
   */
  async retire(id: string, version: string, options: RetireOptions = {}): Promise<void> {
    const keys = new ClusterKeys(this.prefix, id);
    const { signal } = options;
    signal?.throwIfAborted();
    const message: ControlMessage = { type: 'retire', id, version };
    await withinRetryBudget(
      `retiring "${id}" version ${version}`,
      () => this.#commandClient().publish(ClusterKeys.control(this.prefix), JSON.stringify(message)),
      this.#health,
    );
    // Local workers too (pub/sub delivers to this process only if it listens).
    await Promise.all([...this.#served].filter((child) => child.id === id && child.version === version).map((child) => child.stop()));
    for (;;) {
      signal?.throwIfAborted();
      const entries = await withinRetryBudget(`retiring "${id}" version ${version}`, () => this.#commandClient().hgetall(keys.workers), this.#health);
      const now = Date.now();
      const remaining = Object.values(entries)
        .map((text) => JSON.parse(text) as WorkerEntry)
        .filter((entry) => entry.version === version && now - entry.heartbeatAt < CLUSTER_TIMINGS.workerStaleMs);
      if (remaining.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops serving (running calls finish), then closes every connection the cluster opened. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#served].map((child) => child.stop()));
    await this.#supervisor?.stop({ drain: true });
    await Promise.all([...this.#callers.values()].map((caller) => caller.close()));
    await Promise.all([this.#subscriber && closeRedisClient(this.#subscriber), this.#commands && closeRedisClient(this.#commands), this.#ownStore?.close()]);
  }

  #commandClient(): Redis {
    this.#commands ??= createRedisClient(this.#redisOptions, this.#health, `${this.prefix}:cluster`);
    return this.#commands;
  }

  #localSupervisor(): Supervisor {
    if (this.#supervisor === undefined) {
      let inner: CheckpointStore | undefined = this.#supervisorOptions.checkpointStore;
      if (inner === undefined) {
        this.#ownStore = new RedisCheckpointStore({ connection: this.#redisOptions, prefix: this.prefix });
        inner = this.#ownStore;
      }
      this.#store = new MigratingCheckpointStore(inner);
      this.#supervisor = new Supervisor({ name: `cluster:${this.prefix}`, ...this.#supervisorOptions, checkpointStore: this.#store });
    }
    return this.#supervisor;
  }

  /** Subscribes (once) to the control channel: cancels of running calls and retirements. */
  #listenForControl(): Promise<void> {
    if (this.#subscriber === undefined) {
      const subscriber = createRedisClient(this.#redisOptions, this.#health, `${this.prefix}:cluster:control`);
      subscriber.on('message', (_channel: string, text: string) => this.#control(text));
      this.#subscriber = subscriber;
    }
    const subscriber = this.#subscriber;
    this.#subscribed ??= subscriber.subscribe(ClusterKeys.control(this.prefix)).then(() => undefined);
    return this.#subscribed;
  }

  #control(text: string): void {
    let message: ControlMessage;
    try {
      message = JSON.parse(text) as ControlMessage;
    } catch {
      return;
    }
    for (const child of this.#served) {
      if (message.type === 'cancel' && new ClusterKeys(this.prefix, child.id).queue === message.queue) child.cancel(message.jobId, message.reason);
      if (message.type === 'retire' && child.id === message.id && child.version === message.version) {
        void child.stop().catch((error: unknown) => this.#log.error({ err: error, child: child.id }, 'retirement failed'));
      }
    }
  }
}
