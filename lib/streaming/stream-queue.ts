/**
 * The bounded hand-over between a running program and the loop reading its stream: the program
 * pushes, and waits (`room()`) while more than `capacity` items are unread, so a slow reader slows
 * the LM stream down instead of growing a buffer. Once the reader is gone (`cancel()`), pushes
 * are dropped and waiting producers released.
 */
export class StreamQueue<T> {
  readonly #capacity: number;
  readonly #items: T[] = [];
  #reader: (() => void) | undefined;
  #producers: (() => void)[] = [];
  #end: { readonly error?: unknown; readonly failed: boolean } | undefined;
  #cancelled = false;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  push(item: T): void {
    if (this.#cancelled || this.#end !== undefined) return;
    this.#items.push(item);
    this.#wakeReader();
  }

  /** The newest unread item, if any. */
  lastUnread(): T | undefined {
    return this.#items[this.#items.length - 1];
  }

  /** Replaces the newest unread item (when there is one). */
  replaceLastUnread(item: T): void {
    if (this.#items.length > 0) this.#items[this.#items.length - 1] = item;
  }

  /** Resolves once the reader has caught up (undefined when there is room already). */
  room(): Promise<void> | undefined {
    if (this.#cancelled || this.#items.length <= this.#capacity) return undefined;
    return new Promise((resolve) => this.#producers.push(resolve));
  }

  /** No more items: the reader gets what is queued, then the end. */
  close(): void {
    this.#end ??= { failed: false };
    this.#wakeReader();
  }

  /** The producer failed: the reader gets what is queued, then `error`. */
  fail(error: unknown): void {
    this.#end ??= { failed: true, error };
    this.#wakeReader();
  }

  /** The reader left: drop everything and release waiting producers. */
  cancel(): void {
    this.#cancelled = true;
    this.#items.length = 0;
    this.#releaseProducers();
  }

  /** The next item, or `done` at the end; rejects with the producer's error. */
  async take(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      if (this.#items.length > 0) {
        const value = this.#items.shift() as T;
        if (this.#items.length <= this.#capacity) this.#releaseProducers();
        return { done: false, value };
      }
      if (this.#end !== undefined) {
        if (this.#end.failed) throw this.#end.error;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.#reader = resolve));
    }
  }

  #wakeReader(): void {
    const reader = this.#reader;
    this.#reader = undefined;
    reader?.();
  }

  #releaseProducers(): void {
    const producers = this.#producers;
    this.#producers = [];
    for (const resolve of producers) resolve();
  }
}
