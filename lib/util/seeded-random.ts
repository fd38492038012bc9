import { OptimizerError, describeProblem, describeValue } from '../errors';

const N = 624;
const M = 397;

/**
 * A deterministic random number generator that reproduces Python's `random.Random(seed)` for
 * integer seeds (Mersenne Twister MT19937 seeded by `init_by_array`, and CPython's `random`,
 * `_randbelow`, `shuffle`, `sample`, `choice` and `randint`), so demo selection follows DSPy's
 * seeds (`Random(0)` in LabeledFewShot and BootstrapFewShot, `Random(seed)` in random search).
 */
export class SeededRandom {
  readonly #state = new Uint32Array(N);
  #index = N + 1;

  /** @param seed an integer (its absolute value is used, as Python does) or a string (hashed to one). */
  constructor(seed: number | string) {
    if (typeof seed === 'string') seed = hashString(seed);
    if (!Number.isSafeInteger(seed)) {
      throw new OptimizerError(describeProblem('A random seed must be a whole number.', describeValue(seed), 'Pass e.g. { seed: 0 }.'), {
        details: { option: 'seed' },
      });
    }
    const magnitude = Math.abs(seed);
    // Python splits the seed into 32-bit words, least significant first; 0 seeds as [0].
    const key = magnitude === 0 ? [0] : [magnitude % 2 ** 32, Math.floor(magnitude / 2 ** 32)].filter((word, index) => index === 0 || word !== 0);
    this.#initByArray(key);
  }

  #initGenrand(seed: number): void {
    const state = this.#state;
    state[0] = seed >>> 0;
    for (let index = 1; index < N; index += 1) {
      const previous = state[index - 1] ^ (state[index - 1] >>> 30);
      state[index] = (Math.imul(1812433253, previous) + index) >>> 0;
    }
    this.#index = N;
  }

  #initByArray(key: readonly number[]): void {
    const state = this.#state;
    this.#initGenrand(19650218);
    let index = 1;
    let keyIndex = 0;
    for (let count = Math.max(N, key.length); count > 0; count -= 1) {
      const previous = state[index - 1] ^ (state[index - 1] >>> 30);
      state[index] = ((state[index] ^ Math.imul(previous, 1664525)) >>> 0) + key[keyIndex] + keyIndex;
      index += 1;
      keyIndex += 1;
      if (index >= N) {
        state[0] = state[N - 1];
        index = 1;
      }
      if (keyIndex >= key.length) keyIndex = 0;
    }
    for (let count = N - 1; count > 0; count -= 1) {
      const previous = state[index - 1] ^ (state[index - 1] >>> 30);
      state[index] = ((state[index] ^ Math.imul(previous, 1566083941)) >>> 0) - index;
      index += 1;
      if (index >= N) {
        state[0] = state[N - 1];
        index = 1;
      }
    }
    state[0] = 0x80000000;
  }

  /** The next 32 random bits (MT19937's `genrand_uint32`). */
  #next(): number {
    const state = this.#state;
    if (this.#index >= N) {
      for (let index = 0; index < N; index += 1) {
        const bits = (state[index] & 0x80000000) | (state[(index + 1) % N] & 0x7fffffff);
        state[index] = state[(index + M) % N] ^ (bits >>> 1) ^ (bits & 1 ? 0x9908b0df : 0);
      }
      this.#index = 0;
    }
    let value = state[this.#index++];
    value ^= value >>> 11;
    value ^= (value << 7) & 0x9d2c5680;
    value ^= (value << 15) & 0xefc60000;
    value ^= value >>> 18;
    return value >>> 0;
  }

  /** A float in [0, 1) with 53 random bits (Python's `random()`). */
  random(): number {
    const high = this.#next() >>> 5;
    const low = this.#next() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A whole number in [0, n) without bias (CPython's `_randbelow_with_getrandbits`, which draws even for n = 1); 1 ≤ n < 2^32. */
  below(n: number): number {
    const bits = 32 - Math.clz32(n);
    let value = this.#next() >>> (32 - bits);
    while (value >= n) value = this.#next() >>> (32 - bits);
    return value;
  }

  /** A whole number in [low, high], both included (Python's `randint`). */
  randint(low: number, high: number): number {
    return low + this.below(high - low + 1);
  }

  /** One item of a non-empty list (Python's `choice`). */
  choice<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  /** Shuffles `items` in place (Python's `shuffle`) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let index = items.length - 1; index > 0; index -= 1) {
      const other = this.below(index + 1);
      [items[index], items[other]] = [items[other], items[index]];
    }
    return items;
  }

  /** `count` distinct items, in selection order (Python's `sample`, including its pool-or-set choice). */
  sample<T>(items: readonly T[], count: number): T[] {
    const size = items.length;
    if (!(Number.isInteger(count) && count >= 0 && count <= size)) {
      throw new OptimizerError(
        describeProblem('Cannot sample more items than there are.', `${count} of ${size}`, 'Ask for at most as many items as the list has.'),
      );
    }
    let setSize = 21;
    if (count > 5) setSize += 4 ** Math.ceil(Math.log(count * 3) / Math.log(4));
    const result: T[] = [];
    if (size <= setSize) {
      const pool = [...items];
      for (let index = 0; index < count; index += 1) {
        const picked = this.below(size - index);
        result.push(pool[picked]);
        pool[picked] = pool[size - index - 1];
      }
      return result;
    }
    const selected = new Set<number>();
    for (let index = 0; index < count; index += 1) {
      let picked = this.below(size);
      while (selected.has(picked)) picked = this.below(size);
      selected.add(picked);
      result.push(items[picked]);
    }
    return result;
  }
}

/** A stable 32-bit FNV-1a hash of a string (seeds derived from content, as DSPy hashes demos). */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
