import { RECENT_TEXT_MAX, RecentTexts } from '../../lib/adapters/recent-texts';

describe('RecentTexts', () => {
  it('gives the same string for a repeated short text, and the text itself every time', () => {
    const source = 'answer answer other answer';
    const texts = new RecentTexts(source);
    const first = texts.between(0, 6);
    expect(texts.between(7, 13)).toBe(first);
    expect(texts.between(14, 19)).toBe('other');
    expect(texts.between(20, 26)).toBe('answer');
  });

  it('keeps texts of the same length apart when they differ', () => {
    const texts = new RecentTexts('abcd abce');
    expect([texts.between(0, 4), texts.between(5, 9), texts.between(0, 4)]).toEqual(['abcd', 'abce', 'abcd']);
  });

  it('copies a text longer than the shared length', () => {
    const long = 'x'.repeat(RECENT_TEXT_MAX + 1);
    const texts = new RecentTexts(long + long);
    expect(texts.between(0, long.length)).toBe(long);
    expect(texts.between(long.length, 2 * long.length)).toBe(long);
  });
});
