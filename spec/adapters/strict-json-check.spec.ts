import fc from 'fast-check';
import { mayBeStrictJson } from '../../lib/adapters/strict-json-check';
import { exceedsNestingDepth } from '../../lib/util/nesting-depth';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = [value];
  return value;
};

/** What the check must never refuse: text `JSON.parse` accepts, nested within the limit. */
function isStrictJsonWithinLimit(text: string): boolean {
  try {
    return !exceedsNestingDepth(JSON.parse(text));
  } catch {
    return false;
  }
}

describe('mayBeStrictJson', () => {
  it('accepts JSON nested exactly to the limit and refuses one more level', () => {
    expect(mayBeStrictJson(JSON.stringify(nested(100)))).toBe(true);
    expect(mayBeStrictJson(JSON.stringify(nested(101)))).toBe(false);
  });

  it('counts brackets outside strings only', () => {
    expect(mayBeStrictJson(JSON.stringify({ text: '['.repeat(500) }))).toBe(true);
    expect(mayBeStrictJson(JSON.stringify({ text: '"\\[' + '['.repeat(500) }))).toBe(true);
  });

  it('refuses what strict JSON cannot hold, at the first sign of it', () => {
    expect(mayBeStrictJson('{"a": True}')).toBe(false);
    expect(mayBeStrictJson('["a" "b"]')).toBe(false);
    expect(mayBeStrictJson('{"a": 1} trailing')).toBe(false);
    expect(mayBeStrictJson('{"a": 1}}')).toBe(false);
    expect(mayBeStrictJson("{'a': 1}")).toBe(false);
    expect(mayBeStrictJson('{"a": "é"} é')).toBe(false);
  });

  it('refuses a comma or colon outside every bracket (a Python tuple), and keeps those inside brackets', () => {
    expect(mayBeStrictJson('1, 2, 3')).toBe(false);
    expect(mayBeStrictJson('"a", "b"')).toBe(false);
    expect(mayBeStrictJson('"a": 1')).toBe(false);
    expect(mayBeStrictJson('[1, 2] ')).toBe(true);
    expect(mayBeStrictJson('{"a": [1, {"b": 2}]}')).toBe(true);
  });

  it('never refuses text JSON.parse accepts within the nesting limit', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value, null, 1);
        expect(mayBeStrictJson(text)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'{}[]",:1 aé\\tn'.split('')), maxLength: 40 }), (text) => {
        if (isStrictJsonWithinLimit(text)) expect(mayBeStrictJson(text)).toBe(true);
      }),
    );
  });
});
