import fc from 'fast-check';
import { dominatorCandidates, paretoFrontOf, removeDominated, selectFromParetoFront } from '../../../lib/optimizers/gepa/pareto-front';
import { SeededRandom } from '../../../lib/util/seeded-random';

describe('paretoFrontOf', () => {
  it('lists, per example, every candidate reaching the best score', () => {
    expect(
      paretoFrontOf([
        [1, 0, 0.5],
        [1, 1, 0],
        [0, 1, 0.5],
      ]),
    ).toEqual([
      [0, 1],
      [1, 2],
      [0, 2],
    ]);
  });

  it('holds only candidates that are best on that example (property)', () => {
    const scores = fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(scores, (valScores) => {
        const fronts = paretoFrontOf(valScores);
        fronts.forEach((front, example) => {
          const best = Math.max(...valScores.map((row) => row[example]));
          expect(front.length).toBeGreaterThan(0);
          for (const candidate of front) expect(valScores[candidate][example]).toBe(best);
        });
        // Removing dominated candidates never empties a front, and every survivor still stands on one.
        const kept = removeDominated(
          fronts,
          valScores.map((row) => row.reduce((a, b) => a + b, 0)),
        );
        kept.forEach((front) => expect(front.length).toBeGreaterThan(0));
      }),
      { seed: 13, numRuns: 200 },
    );
  });
});

describe('selectFromParetoFront', () => {
  it('draws as gepa does for the same seed', () => {
    // Python: gepa_utils.select_program_candidate_from_pareto_front(fronts, scores, random.Random(7)), 8 draws.
    const fronts = [[0, 1], [1], [0, 2], [2, 3], [3]];
    const random = new SeededRandom(7);
    const draws = Array.from({ length: 8 }, () => selectFromParetoFront(fronts, [0.2, 0.6, 0.4, 0.5], random));
    expect(draws).toEqual([2, 1, 2, 3, 1, 1, 3, 1]);
  });

  it('removes dominated candidates as gepa does', () => {
    // Python: remove_dominated_programs({0: {0, 1}, 1: {1}, 2: {1, 2}}, scores=[0.1, 0.9, 0.5]) == {0: {1}, 1: {1}, 2: {1}}.
    expect(removeDominated([[0, 1], [1], [1, 2]], [0.1, 0.9, 0.5])).toEqual([[1], [1], [1]]);
    expect(dominatorCandidates([[0, 1], [1], [1, 2]], [0.1, 0.9, 0.5])).toEqual([1]);
  });
});
