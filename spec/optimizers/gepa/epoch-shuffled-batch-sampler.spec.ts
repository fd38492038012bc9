import { EpochShuffledBatchSampler } from '../../../lib/optimizers/gepa/epoch-shuffled-batch-sampler';
import { SeededRandom } from '../../../lib/util/seeded-random';

describe('EpochShuffledBatchSampler', () => {
  it('gives the minibatches gepa gives for the same seed, padding with the least used ids', () => {
    // Python: gepa's EpochShuffledBatchSampler(3, rng=random.Random(0)) on 7 ids, iterations 0…5.
    const sampler = new EpochShuffledBatchSampler(3, 7, new SeededRandom(0));
    expect(Array.from({ length: 6 }, (_, iteration) => sampler.next(iteration))).toEqual([
      [4, 2, 1],
      [0, 5, 3],
      [6, 6, 3],
      [1, 0, 4],
      [5, 6, 2],
      [3, 3, 2],
    ]);
  });
});
