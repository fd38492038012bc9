import { exceedsNestingDepth, MAX_NESTING_DEPTH } from '../../lib/util/nesting-depth';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = [value];
  return value;
};

describe('MAX_NESTING_DEPTH', () => {
  it('is 100 levels', () => {
    expect(MAX_NESTING_DEPTH).toBe(100);
  });
});

describe('exceedsNestingDepth', () => {
  it('accepts exactly the limit and refuses one more level', () => {
    expect(exceedsNestingDepth(nested(100))).toBe(false);
    expect(exceedsNestingDepth(nested(101))).toBe(true);
  });

  it('measures 100,000 levels without recursing', () => {
    expect(exceedsNestingDepth(nested(100_000))).toBe(true);
  });

  it('counts a cycle as too deep', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(exceedsNestingDepth(cycle)).toBe(true);
  });

  it('treats scalars as depth 0', () => {
    expect(exceedsNestingDepth('text', 0)).toBe(false);
    expect(exceedsNestingDepth([], 0)).toBe(true);
  });
});
