/** A fixed-capacity buffer that keeps the last `capacity` items; pushing never allocates past it. */
export class RingBuffer<T> {
  readonly #items: (T | undefined)[];
  #start = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    this.#items = new Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    if (this.capacity === 0) return;
    const index = (this.#start + this.#size) % this.capacity;
    this.#items[index] = item;
    if (this.#size < this.capacity) this.#size += 1;
    else this.#start = (this.#start + 1) % this.capacity;
  }

  /** The last `count` items (all by default), oldest first. */
  last(count = this.#size): T[] {
    const taken = Math.max(0, Math.min(count, this.#size));
    const result: T[] = new Array(taken);
    for (let offset = 0; offset < taken; offset += 1) {
      result[offset] = this.#items[(this.#start + this.#size - taken + offset) % this.capacity] as T;
    }
    return result;
  }

  /** The newest item, if any. */
  newest(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[(this.#start + this.#size - 1) % this.capacity];
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#start = 0;
    this.#size = 0;
  }

  toArray(): T[] {
    return this.last();
  }
}
