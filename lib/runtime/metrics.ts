/** Latency percentiles in milliseconds over a child's last calls (0 when there are none). */
export interface LatencyPercentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/**
 * A child's counters, computed when read. `calls = successes + failures`: a call served by the
 * fallback counts as a failure and as a fallback; a cancelled call is counted only in `cancelled`, a call rejected over `maxQueued` only in `rejected`.
 */
export interface ChildMetrics {
  readonly calls: number;
  readonly successes: number;
  readonly failures: number;
  readonly fallbacks: number;
  readonly cancelled: number;
  /** Calls rejected at once because `maxQueued` calls were already waiting; not in `calls` nor in the latency figures. */
  readonly rejected: number;
  readonly restarts: number;
  /** Calls waiting in the child's queue. */
  readonly queued: number;
  /** Calls running on an instance now. */
  readonly running: number;
  /** Over the last 1000 calls that were neither cancelled nor rejected. */
  readonly latencyMs: LatencyPercentiles;
}

/** The counters a child updates on each call; everything else in `ChildMetrics` is derived on read. */
export class CallCounters {
  successes = 0;
  failures = 0;
  fallbacks = 0;
  cancelled = 0;
  rejected = 0;
  restarts = 0;
  queued = 0;
  running = 0;
}

/** Builds the metrics snapshot; `latencies` are sorted here, so reading is O(n log n) and calling is O(1). */
export function metricsOf(counters: CallCounters, latencies: number[]): ChildMetrics {
  latencies.sort((left, right) => left - right);
  return {
    calls: counters.successes + counters.failures,
    successes: counters.successes,
    failures: counters.failures,
    fallbacks: counters.fallbacks,
    cancelled: counters.cancelled,
    rejected: counters.rejected,
    restarts: counters.restarts,
    queued: counters.queued,
    running: counters.running,
    latencyMs: { p50: percentile(latencies, 0.5), p90: percentile(latencies, 0.9), p99: percentile(latencies, 0.99) },
  };
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index];
}
