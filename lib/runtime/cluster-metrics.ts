import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ClusterKeys } from './cluster-options';
import { metricsOf, CallCounters, type ChildMetrics } from './metrics';
import { HISTORY_CAPACITY } from './execution-history';
import type { ModuleRef } from './module-ref';

const COUNTERS = ['successes', 'failures', 'fallbacks', 'cancelled', 'restarts', 'rejected'] as const;
type Counter = (typeof COUNTERS)[number];

/**
 * A worker's share of a child's cluster-wide metrics: after each call it adds the change in its
 * local supervisor's counters to one Redis hash per child (HINCRBY, so workers' counts sum and a
 * dead worker's stay counted) and the call's latency, queue time included, to a capped list.
 * Flushes are single-flight: calls that finish while one runs share the next.
 */
export class MetricsRecorder {
  readonly #ref: ModuleRef;
  readonly #client: Redis;
  readonly #keys: ClusterKeys;
  readonly #flushed: Record<Counter, number> = { successes: 0, failures: 0, fallbacks: 0, cancelled: 0, restarts: 0, rejected: 0 };
  #latencies: number[] = [];
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;

  constructor(ref: ModuleRef, client: Redis, keys: ClusterKeys) {
    this.#ref = ref;
    this.#client = client;
    this.#keys = keys;
  }

  /** Records one call's latency; resolves once a flush that includes it is done. */
  record(latencyMs: number): Promise<void> {
    this.#latencies.push(latencyMs);
    return this.flush();
  }

  flush(): Promise<void> {
    if (this.#running === undefined) {
      this.#running = this.#write().finally(() => {
        this.#running = undefined;
      });
      return this.#running;
    }
    this.#next ??= this.#running.then(() => {
      this.#next = undefined;
      return this.flush();
    });
    return this.#next;
  }

  async #write(): Promise<void> {
    const now = this.#ref.metrics() as ChildMetrics & { rejected?: number };
    const transaction = this.#client.multi();
    let changed = false;
    for (const counter of COUNTERS) {
      const delta = (now[counter] ?? 0) - this.#flushed[counter];
      if (delta === 0) continue;
      transaction.hincrby(this.#keys.metrics, counter, delta);
      this.#flushed[counter] = now[counter] ?? 0;
      changed = true;
    }
    const latencies = this.#latencies;
    this.#latencies = [];
    if (latencies.length > 0) {
      transaction.lpush(this.#keys.latencies, ...latencies.map((value) => value.toFixed(3)));
      transaction.ltrim(this.#keys.latencies, 0, HISTORY_CAPACITY - 1);
      changed = true;
    }
    if (changed) await transaction.exec();
    else transaction.discard();
  }
}

/** A child's metrics summed over every worker, with queue figures from BullMQ. */
export async function readClusterMetrics(client: Redis, queue: Queue, keys: ClusterKeys): Promise<ChildMetrics> {
  const [hash, latencies, counts] = await Promise.all([
    client.hgetall(keys.metrics),
    client.lrange(keys.latencies, 0, -1),
    queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active'),
  ]);
  const counters = new CallCounters() as CallCounters & Record<string, number>;
  for (const counter of COUNTERS) if (counter in counters || hash[counter] !== undefined) counters[counter] = Number(hash[counter] ?? 0);
  counters.queued = (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
  counters.running = counts.active ?? 0;
  return metricsOf(counters, latencies.map(Number));
}
