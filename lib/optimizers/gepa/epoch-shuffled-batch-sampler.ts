import type { SeededRandom } from '../../util/seeded-random';

/**
 * gepa's `EpochShuffledBatchSampler`: trainset indices shuffled once per epoch and padded to a
 * multiple of the minibatch size with the least-used indices; iteration `i` takes the `i`-th slice.
 */
export class EpochShuffledBatchSampler {
  #shuffled: number[] = [];
  #epoch = -1;

  constructor(
    readonly minibatchSize: number,
    readonly trainsetSize: number,
    readonly random: SeededRandom,
  ) {}

  /** The minibatch of iteration `iteration` (0-based, counting every GEPA iteration). */
  next(iteration: number): number[] {
    const start = iteration * this.minibatchSize;
    const epoch = this.#epoch === -1 ? 0 : Math.floor(start / Math.max(this.#shuffled.length, 1));
    if (this.#shuffled.length === 0 || epoch > this.#epoch) {
      this.#epoch = epoch;
      this.#reshuffle();
    }
    const offset = start % this.#shuffled.length;
    return this.#shuffled.slice(offset, offset + this.minibatchSize);
  }

  #reshuffle(): void {
    const shuffled = this.random.shuffle(Array.from({ length: this.trainsetSize }, (_, index) => index));
    const counts = new Map<number, number>(shuffled.map((id) => [id, 1]));
    const remainder = this.trainsetSize % this.minibatchSize;
    const padding = remainder === 0 ? 0 : this.minibatchSize - remainder;
    for (let added = 0; added < padding; added += 1) {
      // Counter.most_common()[::-1][0]: the least count, and among equals the last inserted.
      let chosen = -1;
      let least = Infinity;
      for (const [id, count] of counts) {
        if (count <= least) {
          least = count;
          chosen = id;
        }
      }
      shuffled.push(chosen);
      counts.set(chosen, least + 1);
    }
    this.#shuffled = shuffled;
  }
}
