/** Texts up to this length are shared when repeated (`RecentTexts.between`). */
export const RECENT_TEXT_MAX = 64;
/** One text remembered per slot, chosen by length. */
const RECENT_TEXT_SLOTS = 16;

/**
 * Short pieces of one source text, shared when they repeat: a reply repeating a key or an item
 * 70,000 times allocates one string for it, and the engine hashes one property name, not 70,000
 * fresh copies. Used by both JSON readers.
 */
export class RecentTexts {
  readonly #slots: (string | undefined)[] = [];

  constructor(private readonly source: string) {}

  /** The source from `start` to `end`; a short text equal to a recent one is that same string. */
  between(start: number, end: number): string {
    const length = end - start;
    if (length > RECENT_TEXT_MAX) return this.source.slice(start, end);
    const slot = length % RECENT_TEXT_SLOTS;
    const recent = this.#slots[slot];
    if (recent !== undefined && recent.length === length) {
      // Compared in place: a short text costs less than a native call.
      let same = 0;
      while (same < length && recent.charCodeAt(same) === this.source.charCodeAt(start + same)) same += 1;
      if (same === length) return recent;
    }
    const text = this.source.slice(start, end);
    this.#slots[slot] = text;
    return text;
  }
}
