import { percentage } from '../../lib/evaluate/example-set';

describe('percentage', () => {
  it.each([
    [2, 3, 66.67],
    [1, 8, 12.5],
    // Exact ties round half to even, as Python's round(x, 2): 12.125 → 12.12, 12.375 → 12.38.
    [0.12125, 1, 12.12],
    [0.12375, 1, 12.38],
    [0, 5, 0],
    [5, 5, 100],
  ])('rounds 100 × %d / %d to %d like Python', (sum, total, expected) => {
    expect(percentage(sum, total)).toBe(expected);
  });
});
