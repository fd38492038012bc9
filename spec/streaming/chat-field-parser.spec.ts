import fc from 'fast-check';
import { ChatSections } from '../../lib/adapters/chat-sections';
import { ChatFieldParser } from '../../lib/streaming/chat-field-parser';
import { assertProperty } from '../helpers/property-check';
import { type Emitted, cutAt, joinedTexts, streamFields } from '../helpers/stream-pieces';

const parse = (pieces: string[], wanted: string[]): Emitted[] => streamFields(ChatFieldParser, pieces, wanted);

function lastFlagsAreRight(out: Emitted[]): boolean {
  const fields = [...new Set(out.map((item) => item.field))];
  return fields.every((field) => {
    const items = out.filter((item) => item.field === field);
    return items.findIndex((item) => item.isLast) === items.length - 1;
  });
}

/** What ChatAdapter.parse reads for each wanted field: the first section of that name. */
function expected(reply: string, wanted: string[]): Record<string, string> {
  const texts: Record<string, string> = {};
  const sections = new ChatSections(reply);
  while (sections.next()) {
    if (wanted.includes(sections.name) && !(sections.name in texts)) texts[sections.name] = sections.content();
  }
  return texts;
}

const REPLY = '[[ ## reasoning ## ]]\nStep one.\nStep two.\n\n[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]\n';

describe('ChatFieldParser', () => {
  it('streams each field without its marker, and marks its last piece', () => {
    const out = parse([REPLY], ['reasoning', 'answer']);
    expect(out).toEqual([
      { field: 'reasoning', text: 'Step one.\nStep two.', isLast: true },
      { field: 'answer', text: 'Paris', isLast: true },
    ]);
  });

  it('gives the same field texts for a marker split at every position', () => {
    for (let point = 0; point <= REPLY.length; point += 1) {
      const out = parse([REPLY.slice(0, point), REPLY.slice(point)], ['reasoning', 'answer']);
      expect(joinedTexts(out)).toEqual({ reasoning: 'Step one.\nStep two.', answer: 'Paris' });
      expect(out.some((item) => /\[\[|##|\]\]/.test(item.text))).toBe(false);
      expect(lastFlagsAreRight(out)).toBe(true);
    }
  });

  it('streams one character at a time without showing any marker text', () => {
    const out = parse([...REPLY], ['reasoning', 'answer']);
    expect(joinedTexts(out)).toEqual({ reasoning: 'Step one.\nStep two.', answer: 'Paris' });
    expect(out.filter((item) => item.field === 'answer').map((item) => item.text)).toEqual(['P', 'a', 'r', 'i', 's', '']);
  });

  it('streams only the wanted fields, and a field once', () => {
    const reply = 'Sure.\n[[ ## answer ## ]]\nA\n[[ ## other ## ]]\nB\n[[ ## answer ## ]]\nC';
    expect(parse([reply], ['answer'])).toEqual([{ field: 'answer', text: 'A', isLast: true }]);
  });

  it('reads text after the marker on its line, and a marker only at a line start', () => {
    const reply = '[[ ## answer ## ]] Paris  \n  is [[ ## completed ## ]] here\n  [[ ## next ## ]]';
    expect(joinedTexts(parse([reply], ['answer']))).toEqual(expected(reply, ['answer']));
    expect(joinedTexts(parse([reply], ['answer'])).answer).toBe('Paris\n  is [[ ## completed ## ]] here');
  });

  it('ends a field that never sees another marker when the reply ends', () => {
    expect(parse(['[[ ## answer ## ]]\nPar', 'is\n\n'], ['answer'])).toEqual([
      { field: 'answer', text: 'Par', isLast: false },
      { field: 'answer', text: 'is', isLast: false },
      { field: 'answer', text: '', isLast: true },
    ]);
  });

  it('joins each field up to what ChatAdapter parses, however the reply is cut', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', ' ', '\n', '\r', '\t', '[', ']', '#', '\u2028', '[[ ## ', ' ## ]]', '[[ ## answer ## ]]', 'é'), { maxLength: 40 })
      .map((parts) => parts.join(''));
    const header = fc.constantFrom('answer', 'reasoning', 'other', 'completed').map((name) => `[[ ## ${name} ## ]]`);
    const reply = fc
      .tuple(text, fc.array(fc.tuple(fc.constantFrom('', ' ', '  ', '\t'), header, text), { maxLength: 5 }))
      .map(([prefix, sections]) => prefix + sections.map(([indent, marker, body]) => `\n${indent}${marker}${body}`).join(''));
    assertProperty(
      fc.property(reply, fc.array(fc.nat(), { maxLength: 10 }), (whole, cuts) => {
        const out = parse(cutAt(whole, cuts), ['answer', 'reasoning']);
        expect(joinedTexts(out)).toEqual(expected(whole, ['answer', 'reasoning']));
        expect(lastFlagsAreRight(out)).toBe(true);
      }),
      500,
    );
  });
});
