import type { LMHistoryEntry } from './base-lm';
import { releaseIfUnheld } from './global-history';
import type { HistoryRecord } from './history-record';

/**
 * One LM's own history, oldest first, bounded by entries and by bytes. It shares its records with
 * the process-wide ledger, which may also drop its oldest ones to keep the whole process bounded.
 */
export class LMHistory {
  #records: HistoryRecord[] = [];
  #head = 0;
  #bytes = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.#records.length - this.#head;
  }

  add(record: HistoryRecord): void {
    this.#records.push(record);
    this.#bytes += record.bytes;
    // Past the byte bound the newest call is still kept, so `inspectHistory(1)` shows it.
    while (this.size > this.maxEntries || (this.#bytes > this.maxBytes && this.size > 1)) this.#dropOldest();
  }

  /** Called by the ledger when it drops `record`, which is then this history's oldest. */
  evictOldest(record: HistoryRecord): void {
    if (this.#records[this.#head] !== record) return;
    this.#head += 1;
    this.#bytes -= record.bytes;
    this.#compact();
  }

  #dropOldest(): void {
    const oldest = this.#records[this.#head];
    this.#head += 1;
    this.#bytes -= oldest.bytes;
    oldest.owner = undefined;
    releaseIfUnheld(oldest);
    this.#compact();
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#records.length) {
      this.#records = this.#records.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The last `count` entries (all by default), oldest first. */
  last(count = this.size): LMHistoryEntry[] {
    const start = Math.max(this.#head, this.#records.length - Math.max(0, count));
    return this.#records.slice(start).map((record) => record.entry);
  }

  clear(): void {
    for (let index = this.#head; index < this.#records.length; index += 1) {
      const record = this.#records[index];
      record.owner = undefined;
      releaseIfUnheld(record);
    }
    this.#records = [];
    this.#head = 0;
    this.#bytes = 0;
  }
}
