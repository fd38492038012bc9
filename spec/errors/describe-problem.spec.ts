import fc from 'fast-check';
import { describeProblem, describeValue } from '../../lib/errors/describe-problem';

/** What describeValue must print for an object: the start of its whole JSON, cut. */
function wholeJsonPreview(value: object, maxLength: number): string {
  const text = JSON.stringify(value);
  const kind = Array.isArray(value) ? 'array' : 'object';
  return `${text.length > maxLength ? `${text.slice(0, maxLength)}…` : text} (${kind})`;
}

describe('describeValue', () => {
  it('quotes a short string whole, with its kind', () => {
    expect(describeValue('a "b"\n')).toBe('"a \\"b\\"\\n" (string)');
  });

  it('cuts a long string to the first maxLength characters of its quoted form', () => {
    const reply = `say "hi"\n${'x'.repeat(1_000_000)}`;
    expect(describeValue(reply)).toBe(`${JSON.stringify(reply).slice(0, 80)}… (string)`);
    expect(describeValue(reply, 10)).toBe(`${JSON.stringify(reply).slice(0, 10)}… (string)`);
  });

  it('keeps a string exactly maxLength long once quoted as it is', () => {
    const text = 'y'.repeat(78);
    expect(describeValue(text)).toBe(`"${text}" (string)`);
    expect(describeValue(`${text}z`)).toBe(`"${text}z… (string)`);
  });

  it('prints numbers, objects and functions readably', () => {
    expect(describeValue(Number.NaN)).toBe('NaN (number)');
    expect(describeValue({ a: [1] })).toBe('{"a":[1]} (object)');
    expect(describeValue(function named() {})).toBe('function named (function)');
  });

  describe('quotes the start of a large value as its whole JSON would start', () => {
    const sparse: unknown[] = ['a'];
    sparse[400] = 'b';
    const withProto: Record<string, unknown> = {};
    Object.defineProperty(withProto, '__proto__', { value: 'x'.repeat(500), enumerable: true });
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;

    it.each([
      ['a long list', [...Array.from({ length: 5_000 }, (_, index) => index), 'x']],
      ['a long string in a dict', { a: 'é😀'.repeat(400) }],
      ['a list with holes', sparse],
      ['a list holding undefined', [...Array.from({ length: 400 }, () => 1), undefined, 'x']],
      ['a "__proto__" key', withProto],
      ['many keys', Object.fromEntries(Array.from({ length: 1_000 }, (_, index) => [`k${index}`, 'x']))],
      ['NaN and Infinity inside', [Number.NaN, Number.POSITIVE_INFINITY, 'x'.repeat(400)]],
      ['a class instance with toJSON', { when: new Date(0), rest: 'y'.repeat(400) }],
    ])('%s', (_, value) => {
      expect(describeValue(value, 300)).toBe(wholeJsonPreview(value, 300));
    });

    it('any JSON value, at any length', () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 0, max: 60 }), (value, maxLength) => {
          if (value !== null && typeof value === 'object') expect(describeValue(value, maxLength)).toBe(wholeJsonPreview(value, maxLength));
        }),
      );
    });

    it('a cycle, as a tag instead of JSON', () => {
      expect(describeValue(cycle)).toBe('[object Object] (object)');
    });
  });
});

describe('describeProblem', () => {
  it('joins what was wrong, what was received and how to fix it', () => {
    expect(describeProblem('Bad.', '1 (number)', 'Fix it.')).toBe('Bad. Received: 1 (number). Fix it.');
    expect(describeProblem('Bad.', undefined, 'Fix it.')).toBe('Bad. Fix it.');
  });
});
