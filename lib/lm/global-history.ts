import { RingBuffer } from '../util/ring-buffer';
import type { LMHistoryEntry } from './base-lm';

/** Every LM call of the process, newest last, bounded like DSPy's `GLOBAL_HISTORY` (10,000 entries). */
const globalHistory = new RingBuffer<LMHistoryEntry>(10_000);

/** Adds a call to the process-wide history (BaseLM does this for every call). */
export function recordGlobally(entry: LMHistoryEntry): void {
  globalHistory.push(entry);
}

/** The last `n` calls of any LM, oldest first. */
export function lastGlobalCalls(n: number): LMHistoryEntry[] {
  return globalHistory.last(n);
}
