import type { LMHistoryEntry } from './base-lm';

/** One recorded call, shared by the process-wide history and its LM's own history. */
export interface HistoryRecord {
  readonly entry: LMHistoryEntry;
  /** Estimated bytes the entry holds (strings at two bytes a character, plus a little per value). */
  readonly bytes: number;
  /** Still shown by the process-wide history. */
  inGlobal: boolean;
  /** The LM history still holding it, if any. */
  owner: { evictOldest(record: HistoryRecord): void } | undefined;
  /** Held by nobody: its bytes no longer count. */
  released: boolean;
}

/** Bytes of an entry, estimated without recursion (a deeply nested reply cannot overflow the stack). */
export function estimateEntryBytes(entry: LMHistoryEntry): number {
  let bytes = 256;
  const pending: unknown[] = [entry.messages, entry.outputs, entry.response, entry.options];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') bytes += 16 + value.length * 2;
    else if (typeof value === 'object' && value !== null) {
      bytes += 32;
      for (const [key, item] of Object.entries(value)) {
        bytes += 8 + key.length * 2;
        pending.push(item);
      }
    } else bytes += 8;
  }
  return bytes;
}
