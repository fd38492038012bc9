import { Min } from 'class-validator';
import { validateLax } from '../../lib/adapters/validate-lax';
import { parseFieldType, type FieldType } from '../../lib/signatures/field-types';

class Sized {
  @Min(3) n!: number;
}

function validated(value: unknown, type: string): unknown {
  const result = validateLax(value, parseFieldType(type));
  if (!result.ok) throw new Error(`expected ${JSON.stringify(value)} to fit ${type}: ${result.message}`);
  return result.value;
}

function failure(value: unknown, type: string): string {
  const result = validateLax(value, parseFieldType(type));
  return result.ok ? 'fits' : result.message;
}

/** Lists and tuples: elements that fit as they are skip the per-element result; the others convert as before. */
describe('validateLax with lists and tuples', () => {
  it.each([
    [[1, 2, '3', true], 'list[int]', [1, 2, 3, 1]],
    [['1', 2, 3], 'list[int]', [1, 2, 3]],
    [[1, 2.5, '3'], 'list[float]', [1, 2.5, 3]],
    [[true, 'yes', 0], 'list[bool]', [true, true, false]],
    [[1, '2', 3], 'tuple[int, ...]', [1, 2, 3]],
    [[1, 1, '1', 2, 2.0], 'set[int]', [1, 2]],
    [[[1, '2'], [3]], 'list[list[int]]', [[1, 2], [3]]],
  ])('converts %j to %s element by element', (value, type, expected) => {
    expect(validated(value, type)).toEqual(expected);
  });

  it('names the first element that does not fit, after a run that fits', () => {
    expect(failure([1, 2, 'x', 4], 'list[int]')).toBe("[2]: Input should be a valid integer, got 'x'");
    expect(failure([1, 'x'], 'tuple[int, ...]')).toBe("[1]: Input should be a valid integer, got 'x'");
    expect(failure({ a: [1, 2.5] }, 'dict[str, list[int]]')).toBe("['a'][1]: Input should be a valid integer, got a number with a fractional part");
  });

  it('returns a list whose elements all fit as it is, without copying it', () => {
    const list = [1, 2, 3];
    const tuple = [1, 2];

    expect(validated(list, 'list[int]')).toBe(list);
    expect(validated(tuple, 'tuple[int, ...]')).toBe(tuple);
  });

  it('reads a Set as a new list', () => {
    const set = new Set([1, 2]);

    expect(validated(set, 'list[int]')).toEqual([1, 2]);
    expect(Array.isArray(validated(set, 'tuple[int, ...]'))).toBe(true);
  });
});

/** Unions: members are tried quietly, a member whose verdict does not depend on the mode once; the message lists at most ten members. */
describe('validateLax with unions', () => {
  it('words a small union failure as before: every member, in order, with the path', () => {
    expect(failure('x', 'Union[int, None]')).toBe("Input should be a valid integer, got 'x'; Input should be None, got 'x'");
    expect(failure({ a: 'b' }, 'Union[int, dict[str, Union[int, float]]]')).toBe(
      "Input should be a valid integer, got {'a': 'b'}; ['a']: Input should be a valid integer, got 'b'; ['a']: Input should be a valid number, got 'b'",
    );
    expect(failure([1, 'x'], 'list[Union[int, bool]]')).toBe("[1]: Input should be a valid integer, got 'x'; [1]: Input should be a valid boolean, got 'x'");
  });

  it('lists the first ten members of a longer union and says how many more fail', () => {
    const members = (count: number): string => `Union[${Array.from({ length: count }, (_, index) => `Literal['v${index}']`).join(', ')}]`;
    const listed = (count: number): string[] => Array.from({ length: count }, (_, index) => `Input should be 'v${index}', got 'x'`);

    expect(failure('x', members(10))).toBe(listed(10).join('; '));
    expect(failure('x', members(11))).toBe(`${listed(10).join('; ')}; and 1 more member of the union, which the value does not fit either`);
    expect(failure('x', members(2_000))).toBe(`${listed(10).join('; ')}; and 1990 more members of the union, which the value does not fit either`);
  });

  it('prefers a later member the value fits exactly over an earlier one it converts to, whatever kind of member comes first', () => {
    expect(validated('1', "Union[int, Literal['1'], str]")).toBe('1');
    expect(validated('5', "Union[Literal['x'], int]")).toBe(5);
    expect(validated({ a: '1' }, 'Union[dict[str, int], dict[str, str]]')).toEqual({ a: '1' });
    expect(validated({ a: 1 }, 'Union[dict[str, str], dict[str, int]]')).toEqual({ a: 1 });
    expect(validated(['1'], "Union[dict[str, Literal['x']], list[int]]")).toEqual([1]);
    expect(validated('yes', "Union[Literal['no'], bool, str]")).toBe('yes');
    expect(validated('yes', "Union[Literal['no'], bool]")).toBe(true);
    expect(validated(['a', '2'], 'Union[tuple[int, int], tuple[str, int]]')).toEqual(['a', 2]);
  });

  it("reports the first member whose class constraints fail, its problems placed at the value's path", () => {
    const union: FieldType = { kind: 'union', members: [parseFieldType('int'), { kind: 'class', ctor: Sized, name: 'Sized' }, parseFieldType('None')] };
    const result = validateLax({ q: [{ n: 1 }] }, { kind: 'dict', key: parseFieldType('str'), value: { kind: 'list', item: union } });

    expect(result).toMatchObject({
      ok: false,
      message: "Sized breaks its constraints (['q'][0].n: n must not be less than 3)",
      problems: [{ property: "['q'][0].n", constraints: ['n must not be less than 3'] }],
    });
    expect(validateLax({ n: 4 }, union)).toMatchObject({ ok: true, value: { n: 4 } });
  });
});
