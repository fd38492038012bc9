import { normalizeText } from '../../lib/util/normalize-text';

describe('normalizeText', () => {
  it.each([
    ['The,  Eiffel  Tower!', 'eiffel tower'],
    ['An apple a day', 'apple day'],
    ['theory and anthem', 'theory and anthem'],
    ['  Paris\n\tFrance ', 'paris france'],
    ['Café', 'cafe\u0301'],
    ['', ''],
  ])('normalizes %j to %j as DSPy does', (text, expected) => {
    expect(normalizeText(text)).toBe(expected);
  });
});
