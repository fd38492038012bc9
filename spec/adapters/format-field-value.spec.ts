import { Example } from '../../lib/primitives/example';
import { parseFieldType } from '../../lib/signatures/field-types';
import { formatFieldValue } from '../../lib/adapters/format-field-value';

const STR = parseFieldType('str');

describe('formatFieldValue', () => {
  it('writes non-finite floats as DSPy does: None alone, null inside JSON', () => {
    const float = parseFieldType('float');

    expect([formatFieldValue(Infinity, float), formatFieldValue(-Infinity, float), formatFieldValue(NaN, float)]).toEqual(['None', 'None', 'None']);
    expect(formatFieldValue([1.5, Infinity, NaN, -Infinity], parseFieldType('list[float]'))).toBe('[1.5, null, null, null]');
  });

  it('writes strings as they are', () => {
    expect(formatFieldValue('  "quoted" text ', STR)).toBe('  "quoted" text ');
  });

  it('writes an empty list for a str field as N/A', () => {
    expect(formatFieldValue([], STR)).toBe('N/A');
  });

  it('writes a one-item list for a str field in guillemets', () => {
    expect(formatFieldValue(['only'], STR)).toBe('«only»');
  });

  it('numbers the items of a longer list for a str field (and for a field of no type)', () => {
    expect([formatFieldValue(['a', 'b'], STR), formatFieldValue(['a', 'b'])]).toEqual(['[1] «a»\n[2] «b»', '[1] «a»\n[2] «b»']);
  });

  it('fences and indents items holding newlines or guillemets', () => {
    expect(formatFieldValue(['line 1\nline 2', 'say «hi»'], STR)).toBe('[1] «««\n    line 1\n    line 2\n»»»\n[2] «««\n    say «hi»\n»»»');
  });

  it('writes lists and objects for other field types as Python-style compact JSON', () => {
    expect([
      formatFieldValue(['Paris', 'é'], parseFieldType('list[str]')),
      formatFieldValue({ x: 10, y: [true, null] }, parseFieldType('dict[str, Any]')),
    ]).toEqual(['["Paris", "é"]', '{"x": 10, "y": [true, null]}']);
  });

  it('writes scalars with Python spellings', () => {
    expect([
      formatFieldValue(true, STR),
      formatFieldValue(false, STR),
      formatFieldValue(null, STR),
      formatFieldValue(undefined, STR),
      formatFieldValue(3, STR),
    ]).toEqual(['True', 'False', 'None', 'None', '3']);
  });

  it('writes numbers of a float field as Python floats', () => {
    const float = parseFieldType('float');
    expect([formatFieldValue(2, float), formatFieldValue(2.5, float), formatFieldValue(1e16, float), formatFieldValue(0.00001, float)]).toEqual([
      '2.0',
      '2.5',
      '1e+16',
      '1e-05',
    ]);
  });

  it('writes floats inside lists of a list[float] field as Python floats', () => {
    expect(formatFieldValue([1, 2.5], parseFieldType('list[float]'))).toBe('[1.0, 2.5]');
  });

  it('writes an Example through toJSON', () => {
    expect(formatFieldValue(new Example({ question: 'q', answer: 2 }), parseFieldType('Any'))).toBe('{"question": "q", "answer": 2}');
  });
});
