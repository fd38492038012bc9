import type { DspexErrorCode } from '../errors';

/**
 * How a call ended: served by the child, failed, cancelled by its caller (or by shutdown), served by
 * the fallback, or rejected at once because the child's queue was full (`maxQueued`).
 */
export type CallOutcome = 'success' | 'failure' | 'cancelled' | 'fallback' | 'rejected';

/** One call in a child's history. */
export interface CallRecord {
  /** When the call arrived (supervisor clock, ms). */
  readonly startedAt: number;
  /** From arrival to settlement, queue wait included. */
  readonly durationMs: number;
  readonly outcome: CallOutcome;
  /** The `code` of the error the caller received (or that the fallback replaced), when there was one. */
  readonly errorCode?: DspexErrorCode | string;
  /** The call's inputs; recorded only while the supervisor's logger is at `debug` (they may hold prompts). */
  readonly inputs?: Record<string, unknown>;
}

/** Calls kept per child. */
export const HISTORY_CAPACITY = 1000;

/**
 * The last `HISTORY_CAPACITY` calls of one child. Storage grows with use instead of being
 * allocated up front, so 100,000 idle children cost almost nothing.
 */
export class ExecutionHistory {
  readonly #records: CallRecord[] = [];
  /** Index of the oldest record once the buffer is full. */
  #start = 0;

  record(entry: CallRecord): void {
    if (this.#records.length < HISTORY_CAPACITY) {
      this.#records.push(entry);
      return;
    }
    this.#records[this.#start] = entry;
    this.#start = (this.#start + 1) % HISTORY_CAPACITY;
  }

  /** The last `count` records, oldest first. */
  last(count: number = HISTORY_CAPACITY): CallRecord[] {
    const size = this.#records.length;
    const taken = Math.max(0, Math.min(count, size));
    const result: CallRecord[] = new Array(taken);
    for (let offset = 0; offset < taken; offset += 1) result[offset] = this.#records[(this.#start + size - taken + offset) % size];
    return result;
  }

  /** Durations of every kept call that was served or failed (cancelled and rejected ones say nothing about the child's speed). */
  latencies(): number[] {
    const durations: number[] = [];
    for (const entry of this.#records) if (entry.outcome !== 'cancelled' && entry.outcome !== 'rejected') durations.push(entry.durationMs);
    return durations;
  }
}
