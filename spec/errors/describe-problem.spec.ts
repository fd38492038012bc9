import { describeProblem, describeValue } from '../../lib/errors/describe-problem';

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
});

describe('describeProblem', () => {
  it('joins what was wrong, what was received and how to fix it', () => {
    expect(describeProblem('Bad.', '1 (number)', 'Fix it.')).toBe('Bad. Received: 1 (number). Fix it.');
    expect(describeProblem('Bad.', undefined, 'Fix it.')).toBe('Bad. Fix it.');
  });
});
