import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from '../logging/logger';
import type { ChildSpec } from './child-spec';
import { encodeError } from './cluster-error-codec';
import { encodePrediction } from './prediction-codec';
import { MetricsRecorder } from './cluster-metrics';
import { CLUSTER_TIMINGS, type ClusterKeys } from './cluster-options';
import type { CallJobData, CallResult, WorkerEntry } from './cluster-protocol';
import type { MigratingCheckpointStore, MigrateFunction } from './migrating-checkpoint-store';
import type { ModuleRef } from './module-ref';
import { closeWithinBudget, withinRetryBudget, type ConnectionHealth } from './redis-connection';
import type { Supervisor } from './supervisor';

/** A child spec as `cluster.serve` takes it: `startChild`'s, plus the `migrate` a new version needs. */
export interface ClusterServeSpec extends ChildSpec {
  /** Maps the id's latest checkpoint when it was written by another version (as `hotSwap`'s `migrate`). */
  readonly migrate?: MigrateFunction;
}

/** What `cluster.serve` resolves to. */
export interface ServeHandle {
  readonly id: string;
  readonly version: string;
  /** Stops taking calls, finishes the running ones, and stops the local child. */
  stop(): Promise<void>;
}

/** What a served child needs from its cluster. */
export interface ServeContext {
  readonly supervisor: Supervisor;
  readonly store: MigratingCheckpointStore;
  readonly commands: Redis;
  readonly redisOptions: RedisOptions;
  readonly prefix: string;
  readonly health: ConnectionHealth;
  readonly log: Logger;
  /** Called once the child stopped serving, so the cluster forgets it. */
  onStopped(served: ServedChild): void;
}

const MAX_WORKER_CONCURRENCY = 1000;

/** One child served by this process: a local supervised child fed by a BullMQ worker on the child's queue. */
export class ServedChild implements ServeHandle {
  readonly id: string;
  readonly version: string;
  readonly #token = randomUUID();
  readonly #keys: ClusterKeys;
  readonly #context: ServeContext;
  readonly #controllers = new Map<string, AbortController>();
  #ref: ModuleRef | undefined;
  #worker: Worker | undefined;
  #recorder: MetricsRecorder | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #stopping: Promise<void> | undefined;
  #spec: ClusterServeSpec | undefined;

  constructor(keys: ClusterKeys, version: string, context: ServeContext) {
    this.id = keys.id;
    this.version = version;
    this.#keys = keys;
    this.#context = context;
  }

  /** Starts the local child (from the id's latest checkpoint, migrated), then the worker, then announces itself. */
  async start(spec: ClusterServeSpec): Promise<void> {
    const { migrate, ...childSpec } = spec;
    this.#spec = spec;
    const { supervisor, store, commands, redisOptions, prefix, health } = this.#context;
    store.serve(spec.id, this.version, migrate);
    const ref = await supervisor.startChild(childSpec);
    this.#ref = ref;
    this.#recorder = new MetricsRecorder(ref, commands, this.#keys);
    supervisor.registry.on('restarted', (event) => {
      if (event.id === this.id)
        void this.#recorder?.flush().catch((error: unknown) => this.#context.log.warn({ err: error, child: this.id }, 'metrics not written'));
    });
    const worker = new Worker<CallJobData, CallResult>(this.#keys.queue, (job) => this.#process(job), {
      connection: redisOptions as ConnectionOptions,
      prefix,
      name: `${os.hostname()}:${process.pid}:${this.version}`,
      concurrency: Math.min(spec.concurrency ?? 16, MAX_WORKER_CONCURRENCY),
      lockDuration: CLUSTER_TIMINGS.lockDurationMs,
      stalledInterval: CLUSTER_TIMINGS.stalledIntervalMs,
      maxStalledCount: CLUSTER_TIMINGS.maxStalledCount,
      drainDelay: 1,
      autorun: false,
    });
    health.watch(worker);
    this.#worker = worker;
    await withinRetryBudget(`starting a worker for "${this.id}"`, () => worker.waitUntilReady().then(() => this.#announce()), health);
    void worker.run().catch((error: unknown) => this.#context.log.error({ err: error, child: this.id }, 'cluster worker stopped'));
    this.#heartbeat = setInterval(() => void this.#announce().catch(() => undefined), CLUSTER_TIMINGS.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Aborts a running call of this worker (a caller cancelled it). */
  cancel(jobId: string, reason: string | undefined): void {
    this.#controllers.get(jobId)?.abort(new DOMException(reason ?? 'The caller cancelled the call.', 'AbortError'));
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    clearInterval(this.#heartbeat);
    // close() stops fetching jobs and waits for the running ones; queued jobs stay for other workers.
    await closeWithinBudget(this.#worker, this.#spec?.shutdownMs ?? 5000);
    const { supervisor, store, commands, log } = this.#context;
    // The child stops (and writes its last checkpoint) before the entry goes, so `retire` resolves after that write.
    if (supervisor.registry.lookup(this.id) !== undefined) {
      await supervisor.terminateChild(this.id).catch(() => undefined);
      await supervisor.deleteChild(this.id).catch(() => undefined);
    }
    await commands.hdel(this.#keys.workers, this.#token).catch((error: unknown) => log.warn({ err: error, child: this.id }, 'worker entry not removed'));
    store.forget(this.id);
    this.#context.onStopped(this);
  }

  async #announce(): Promise<void> {
    const entry: WorkerEntry = { version: this.version, pid: process.pid, host: os.hostname(), heartbeatAt: Date.now() };
    await this.#context.commands.hset(this.#keys.workers, this.#token, JSON.stringify(entry));
  }

  async #process(job: Job<CallJobData, CallResult>): Promise<CallResult> {
    const ref = this.#ref!;
    const { inputs, timeoutMs } = job.data;
    let callTimeoutMs: number | undefined;
    if (timeoutMs !== undefined) {
      const remaining = job.timestamp + timeoutMs - Date.now();
      if (remaining <= 0) return { kind: 'expired' };
      callTimeoutMs = Math.max(1, Math.ceil(Math.min(remaining, this.#spec?.timeoutMs ?? Infinity)));
    }
    const controller = new AbortController();
    const jobId = job.id!;
    this.#controllers.set(jobId, controller);
    let result: CallResult;
    try {
      const prediction = await ref.forward(inputs, { signal: controller.signal, ...(callTimeoutMs !== undefined ? { timeoutMs: callTimeoutMs } : {}) });
      result = { kind: 'ok', ...encodePrediction(prediction) };
    } catch (error) {
      result = controller.signal.aborted && error === controller.signal.reason ? { kind: 'cancelled' } : { kind: 'error', error: encodeError(error) };
    } finally {
      this.#controllers.delete(jobId);
    }
    // Metrics land before the result, so a caller reading them after its call sees the call counted.
    await this.#recorder!.record(Date.now() - job.timestamp).catch((error: unknown) =>
      this.#context.log.warn({ err: error, child: this.id }, 'metrics not written'),
    );
    return result;
  }
}
