import { IsInt, IsString, Min } from 'class-validator';
import { parseValue } from '../../lib/adapters/parse-value';
import { parseFieldType } from '../../lib/signatures/field-types';

class Point {
  @IsInt() x!: number;
  @IsInt() @Min(0) y!: number;
}

class Tagged {
  @IsString() tag!: string;
}

function parsed(text: unknown, type: string): unknown {
  const result = parseValue(text, parseFieldType(type));
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse as ${type}: ${result.message}`);
  return result.value;
}

function rejects(text: unknown, type: string): boolean {
  return !parseValue(text, parseFieldType(type)).ok;
}

describe('parseValue', () => {
  it('keeps str text as it is, even when it looks like JSON', () => {
    expect(parsed('[1, 2]', 'str')).toBe('[1, 2]');
  });

  it.each([
    ['42', 42],
    [' 42 ', 42],
    ['42.0', 42],
    ['-7', -7],
  ])('reads int from %j', (text, expected) => {
    expect(parsed(text, 'int')).toBe(expected);
  });

  it.each([
    ['0x1F', 'int', 31],
    ['0o17', 'int', 15],
    ['1_000', 'int', 1000],
    ['+5', 'int', 5],
    ['1, 2', 'list[int]', [1, 2]],
    ['(1, 2)', 'list[int]', [1, 2]],
    ['{1, 2}', 'list[int]', [1, 2]],
    ["'a', 'b'", 'list[str]', ['a', 'b']],
    ['True', 'bool', true],
    ['None', 'Optional[int]', null],
    ["'7'", 'int', 7],
    ['.5', 'float', 0.5],
  ])('reads the Python literal %j for %s as ast.literal_eval does', (text, type, expected) => {
    expect(parsed(text, type)).toEqual(expected);
  });

  it.each([
    ['[1, 2', 'list[int]', [1, 2]],
    ["['a', 'b',]", 'list[str]', ['a', 'b']],
    ['The list is [1, 2, 3].', 'list[int]', [1, 2, 3]],
    // json_repair reads any-case true/false/null, but a bare None is the text "None".
    ['{"a": 1, "b": [True, None]', 'dict[str, Any]', { a: 1, b: [true, 'None'] }],
    ['```json\n{"a": 1}\n```', 'dict[str, int]', { a: 1 }],
  ])('repairs %j for %s as json_repair does', (text, type, expected) => {
    expect(parsed(text, type)).toEqual(expected);
  });

  it('reads 1 MB of "{" in a dict field as the empty object json_repair finds', () => {
    expect(parsed('{'.repeat(1_000_000), 'dict[str, Any]')).toEqual({});
  });

  it('refuses a value nested past the limit', () => {
    const result = parseValue('['.repeat(200), parseFieldType('list[Any]'));

    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('levels deep') });
  });

  it('rejects an int with a fractional part or words', () => {
    expect([rejects('4.5', 'int'), rejects('four', 'int'), rejects('', 'int')]).toEqual([true, true, true]);
  });

  it.each([
    ['0.75', 0.75],
    ['2', 2],
    ['1e3', 1000],
  ])('reads float from %j', (text, expected) => {
    expect(parsed(text, 'float')).toBe(expected);
  });

  it.each([
    ['True', true],
    ['true', true],
    ['yes', true],
    ['1', true],
    ['False', false],
    ['no', false],
    ['"off"', false],
  ])('reads bool from %j', (text, expected) => {
    expect(parsed(text, 'bool')).toBe(expected);
  });

  it('rejects a bool it cannot read', () => {
    expect(rejects('maybe', 'bool')).toBe(true);
  });

  it('reads lists from JSON and Python literals, checking items', () => {
    expect([parsed('["a", "b"]', 'list[str]'), parsed("['a', 'b',]", 'list[str]'), parsed('[1, "2"]', 'list[int]')]).toEqual([
      ['a', 'b'],
      ['a', 'b'],
      [1, 2],
    ]);
  });

  it('does not turn numbers into strings inside a list[str]', () => {
    expect(rejects('[1, 2]', 'list[str]')).toBe(true);
  });

  it('reads dicts, converting values', () => {
    expect(parsed('{"a": "1", "b": 2}', 'dict[str, int]')).toEqual({ a: 1, b: 2 });
  });

  it('matches Literal values exactly, then after unwrapping quotes or Literal[...]', () => {
    const type = "Literal['yes', 'no']";
    expect([parsed('yes', type), parsed(" 'no' ", type), parsed("Literal['yes']", type), parsed('"yes"', type)]).toEqual(['yes', 'no', 'yes', 'yes']);
  });

  it("rejects a value outside the Literal with DSPy's message", () => {
    const result = parseValue('maybe', parseFieldType("Literal['yes', 'no']"));

    expect(result).toEqual({ ok: false, message: "'maybe' is not one of ('yes', 'no')" });
  });

  it('keeps the text of Optional[str]', () => {
    expect(parsed('None', 'Optional[str]')).toBe('None');
  });

  it('reads None for Optional[int] and numbers for it too', () => {
    expect([parsed('None', 'Optional[int]'), parsed('null', 'Optional[int]'), parsed('3', 'Optional[int]')]).toEqual([null, null, 3]);
  });

  it('prefers the union member the value fits exactly', () => {
    expect([parsed('"42"', 'Union[int, str]'), parsed('42', 'Union[str, int]')]).toEqual(['42', 42]);
  });

  it('passes anything for Any', () => {
    expect(parsed('{"a": [1]}', 'Any')).toEqual({ a: [1] });
  });

  it('validates values that are not strings directly (JSON replies)', () => {
    expect([parsed(7, 'int'), parsed(['a'], 'list[str]'), parsed(true, 'str')]).toEqual([7, ['a'], 'True']);
  });

  it('builds and validates class instances', () => {
    const result = parseValue('{"x": 1, "y": 2}', { kind: 'class', ctor: Point, name: 'Point' });

    expect(result).toEqual({ ok: true, value: Object.assign(new Point(), { x: 1, y: 2 }) });
  });

  it('reports class constraint problems per property', () => {
    const result = parseValue('{"x": 1.5, "y": -1}', { kind: 'class', ctor: Point, name: 'Point' });

    expect(result).toMatchObject({
      ok: false,
      problems: [
        { property: 'x', constraints: [expect.any(String)] },
        { property: 'y', constraints: [expect.any(String)] },
      ],
    });
  });

  it('does not copy a __proto__ key onto a class instance', () => {
    const result = parseValue('{"tag": "t", "__proto__": {"polluted": true}}', { kind: 'class', ctor: Tagged, name: 'Tagged' });

    expect(result.ok && Object.getPrototypeOf(result.value)).toBe(Tagged.prototype);
  });
});
