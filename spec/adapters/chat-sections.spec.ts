import { ChatSections } from '../../lib/adapters/chat-sections';

/** Every section of a reply, as [name, content] pairs in order. */
function sectionsOf(reply: string): [string, string][] {
  const sections = new ChatSections(reply);
  const found: [string, string][] = [];
  while (sections.next()) found.push([sections.name, sections.content()]);
  return found;
}

describe('ChatSections', () => {
  it('finds a header after a long run of "[" (searched by a pattern, not stopped at every "[")', () => {
    expect(sectionsOf(`${'['.repeat(10_000)}\n[[ ## answer ## ]]\n42`)).toEqual([['answer', '42']]);
    expect(sectionsOf(`[[ ## answer ## ]]\n${'[[ #'.repeat(5_000)}\n[[ ## other ## ]]\nx`)).toEqual([
      ['answer', '[[ #'.repeat(5_000)],
      ['other', 'x'],
    ]);
  });

  it('reads headers on consecutive lines, after \\n, \\r\\n or \\r', () => {
    expect(sectionsOf('[[ ## a ## ]]\n[[ ## b ## ]]\r\n[[ ## c ## ]]\r[[ ## d ## ]]\nx')).toEqual([
      ['a', ''],
      ['b', ''],
      ['c', ''],
      ['d', 'x'],
    ]);
  });

  it('tells apart names of the same length that follow each other', () => {
    expect(sectionsOf('[[ ## abc ## ]]\n1\n[[ ## abd ## ]]\n2\n[[ ## abd ## ]]\n3')).toEqual([
      ['abc', '1'],
      ['abd', '2'],
      ['abd', '3'],
    ]);
  });

  it.each([
    ['a name that is not ASCII', '[[ ## ñame ## ]]\nx', [['ñame', 'x']]],
    ['an ASCII name going on in other letters', '[[ ## naïve_2 ## ]]\nx', [['naïve_2', 'x']]],
    ['a name of letters outside the BMP', '[[ ## \u{1d49c}b ## ]]\nx', [['\u{1d49c}b', 'x']]],
    ['a name broken by a character that is no letter', '[[ ## a\u00a0b ## ]]\nx', []],
    ['a marker followed by no name', '[[ ## -x ## ]]\nx', []],
    ['a marker after text on its line', 'y [[ ## a ## ]]\nx', []],
    ['a header after markers that are refused', 'y [[ ## a ## ]] [[ ## b ## ]\n[[ ## -c ## ]]\n [[ ## d ## ]]\nx', [['d', 'x']]],
  ])('reads %s as DSPy does', (_, reply, expected) => {
    expect(sectionsOf(reply)).toEqual(expected);
  });
});
