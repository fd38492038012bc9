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

/** Sizes of reply objects already measured: a cache hit shares its reply object, so it is walked once. */
const knownSizes = new WeakMap<object, number>();

/** Bytes of an entry, estimated without recursion (a deeply nested reply cannot overflow the stack). */
export function estimateEntryBytes(entry: LMHistoryEntry): number {
  let bytes = 256;
  for (const message of entry.messages) {
    bytes += 64 + message.content.length * 2;
    for (const part of message.parts ?? []) bytes += 32 + (part.type === 'text' ? part.text.length : part.image_url.url.length) * 2;
  }
  for (const output of entry.outputs) bytes += 16 + output.length * 2;
  return bytes + valueBytes(entry.options) + valueBytes(entry.response);
}

function valueBytes(root: unknown): number {
  if (typeof root !== 'object' || root === null) return typeof root === 'string' ? 16 + root.length * 2 : 8;
  const known = knownSizes.get(root);
  if (known !== undefined) return known;
  let bytes = 0;
  const pending: unknown[] = [root];
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
  knownSizes.set(root, bytes);
  return bytes;
}
