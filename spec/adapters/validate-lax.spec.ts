import { validateLax } from '../../lib/adapters/validate-lax';
import { parseFieldType } from '../../lib/signatures/field-types';

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
