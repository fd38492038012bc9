import { mergeSubsample, proposeMerge, type MergeLog } from '../../../lib/optimizers/gepa/gepa-merge';
import { SeededRandom } from '../../../lib/util/seeded-random';

describe('proposeMerge', () => {
  const pool = {
    candidates: [
      { first: 'base A', second: 'base B' },
      { first: 'better A', second: 'base B' },
      { first: 'base A', second: 'better B' },
    ],
    parents: [[], [0], [0]],
    aggregateScores: [0.2, 0.5, 0.5],
  };

  it("takes each predictor's text from the descendant that changed it", () => {
    const log: MergeLog = { triples: [], descriptions: [] };
    const proposal = proposeMerge(pool, log, [1, 2], new SeededRandom(0));
    expect(proposal).toEqual({ instructions: { first: 'better A', second: 'better B' }, first: 1, second: 2, ancestor: 0 });
  });

  it('does not propose the same merge twice', () => {
    const log: MergeLog = { triples: [], descriptions: [] };
    const random = new SeededRandom(0);
    expect(proposeMerge(pool, log, [1, 2], random)).toBeDefined();
    expect(proposeMerge(pool, log, [1, 2], random)).toBeUndefined();
  });

  it('proposes nothing for candidates where one descends from the other', () => {
    const chain = { ...pool, parents: [[], [0], [1]] };
    expect(proposeMerge(chain, { triples: [], descriptions: [] }, [1, 2], new SeededRandom(0))).toBeUndefined();
  });
});

describe('mergeSubsample', () => {
  it('draws evenly from where each parent wins and where they tie', () => {
    const chosen = mergeSubsample([1, 1, 0, 0, 1, 0], [0, 0, 1, 1, 1, 0], new SeededRandom(1));
    expect(chosen).toHaveLength(5);
    expect(new Set(chosen).size).toBe(5);
    expect(chosen.filter((id) => id < 2)).toHaveLength(2);
    expect(chosen.filter((id) => id === 2 || id === 3)).toHaveLength(2);
  });
});
