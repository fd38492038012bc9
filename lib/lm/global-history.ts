import type { LMHistoryEntry } from './base-lm';
import { estimateEntryBytes, type HistoryRecord } from './history-record';

/** Calls the process-wide history shows at most (DSPy's `GLOBAL_HISTORY` keeps 10,000). */
const MAX_GLOBAL_ENTRIES = 10_000;
/** Default bound on the bytes all LM histories of the process hold together. */
export const DEFAULT_HISTORY_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The ledger of every recorded call still held by the process-wide history or by an LM's own
 * history, oldest first. Both kinds of history share entries, so the ledger is what bounds their
 * memory together: past `DSPEX_HISTORY_MAX_BYTES` (default 64 MiB) the oldest calls are dropped
 * from every history holding them. The records shown process-wide are a suffix of the ledger,
 * from `globalStart` on.
 */
let records: HistoryRecord[] = [];
let head = 0;
let globalStart = 0;
let heldBytes = 0;
let maxBytes: number | undefined;

function historyMaxBytes(): number {
  if (maxBytes === undefined) {
    const fromEnvironment = Number(process.env.DSPEX_HISTORY_MAX_BYTES);
    maxBytes =
      Number.isInteger(fromEnvironment) && fromEnvironment >= 0 && process.env.DSPEX_HISTORY_MAX_BYTES !== '' ? fromEnvironment : DEFAULT_HISTORY_MAX_BYTES;
  }
  return maxBytes;
}

/** Adds a call to the process-wide history and to `owner` (its LM's history); BaseLM does this for every call. */
export function recordGlobally(entry: LMHistoryEntry, owner?: { add(record: HistoryRecord): void; evictOldest(record: HistoryRecord): void }): void {
  const record: HistoryRecord = { entry, bytes: estimateEntryBytes(entry), inGlobal: true, owner, released: false };
  records.push(record);
  heldBytes += record.bytes;
  owner?.add(record);
  while (records.length - globalStart > MAX_GLOBAL_ENTRIES) {
    const oldest = records[globalStart];
    globalStart += 1;
    oldest.inGlobal = false;
    releaseIfUnheld(oldest);
  }
  const limit = historyMaxBytes();
  // The newest call is always kept, so a history never hides the call just made.
  while (heldBytes > limit && head < records.length - 1) {
    const oldest = records[head];
    head += 1;
    if (oldest.released) continue;
    if (globalStart < head) globalStart = head;
    oldest.inGlobal = false;
    oldest.owner?.evictOldest(oldest);
    oldest.owner = undefined;
    releaseIfUnheld(oldest);
  }
  compact();
}

/** Counts a record out once neither history holds it. */
export function releaseIfUnheld(record: HistoryRecord): void {
  if (record.released || record.inGlobal || record.owner !== undefined) return;
  record.released = true;
  heldBytes -= record.bytes;
}

function compact(): void {
  while (head < records.length && records[head].released) head += 1;
  if (head > 1024 && head * 2 > records.length) {
    records = records.slice(head);
    globalStart -= head;
    head = 0;
  }
}

/** The last `n` calls of any LM, oldest first. */
export function lastGlobalCalls(n: number): LMHistoryEntry[] {
  const start = Math.max(globalStart, records.length - Math.max(0, n));
  return records.slice(start).map((record) => record.entry);
}

/**
 * Empties the process-wide history (what `inspectHistory(n)` shows); each LM keeps its own
 * `lm.history` until `lm.clearHistory()`. Use it to free memory in long-running processes.
 */
export function clearHistory(): void {
  for (let index = globalStart; index < records.length; index += 1) {
    records[index].inGlobal = false;
    releaseIfUnheld(records[index]);
  }
  records = records.slice(head).filter((record) => !record.released);
  head = 0;
  globalStart = records.length;
}

/** Bytes all histories hold together (for specs and benchmarks). */
export function historyBytesHeld(): number {
  return heldBytes;
}

/** Re-reads `DSPEX_HISTORY_MAX_BYTES` (for specs). */
export function resetHistoryLimit(): void {
  maxBytes = undefined;
}
