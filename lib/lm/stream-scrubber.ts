import { scrubText } from './scrub-secrets';

/**
 * Scrubs secrets (the API key, credential headers) from a reply that arrives in pieces: a piece's
 * tail that could be the start of a secret is held back until the next piece shows whether it
 * is one, so a secret split across pieces is scrubbed too. Without secrets, pieces pass as they are.
 */
export class StreamScrubber {
  readonly #secrets: readonly string[];
  #held = '';

  constructor(secrets: readonly string[]) {
    this.#secrets = secrets;
  }

  /** The scrubbed text that can be shown now. */
  push(piece: string): string {
    if (this.#secrets.length === 0) return piece;
    // Scrub first, then hold back: a whole secret is never cut in two by the held tail.
    const text = scrubText(this.#held + piece, this.#secrets);
    const hold = this.#heldLength(text);
    this.#held = text.slice(text.length - hold);
    return text.slice(0, text.length - hold);
  }

  /** What is still held back, once the reply has ended. */
  flush(): string {
    const rest = this.#held;
    this.#held = '';
    return rest;
  }

  /** The length of the longest tail of `text` that is a proper prefix of a secret. */
  #heldLength(text: string): number {
    let longest = 0;
    for (const secret of this.#secrets) {
      for (let length = Math.min(secret.length - 1, text.length); length > longest; length -= 1) {
        if (text.endsWith(secret.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
