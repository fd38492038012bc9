import fc from 'fast-check';
import { parseXml, XmlSyntaxError, type XmlDocument } from '../../lib/adapters/xml-tree';
import { MAX_NESTING_DEPTH } from '../../lib/util/nesting-depth';
import { assertProperty } from '../helpers/property-check';

function syntaxErrorOf(read: () => unknown): { problem: string; index: number } {
  try {
    read();
  } catch (error) {
    if (error instanceof XmlSyntaxError) return { problem: error.problem, index: error.index };
    throw error;
  }
  throw new Error('expected an XmlSyntaxError');
}

describe('parseXml with a rootTag', () => {
  it('reads the text as if wrapped in the root tag', () => {
    const document = parseXml('lead <b>x</b> tail', { rootTag: 'r' });

    expect([document.size, document.tag(0), document.text(0), document.tag(1), document.text(1), document.tail(1), document.end(0)]).toEqual([
      2,
      'r',
      'lead ',
      'b',
      'x',
      ' tail',
      2,
    ]);
  });

  it.each([
    ['an element left open', '<b>'],
    ['the root closed by the text', '</r><r>'],
    ['a start tag cut short', '<b x'],
    ['an attribute cut short', '<b x="1'],
    ['a comment cut short', '<!-- c -'],
    ['a reference cut short', '<b>&am'],
    ['an end tag cut short', '<b>x</b'],
    ['a start tag ending in spaces', '<b>x</b><c '],
    ['an element named as the root left open', '<r>'],
    ['an element left open in a default namespace', '<b xmlns="u"><r>'],
  ])('reports %s where the wrapped text has its error', (_, text) => {
    expect(syntaxErrorOf(() => parseXml(text, { rootTag: 'r' }))).toEqual(syntaxErrorOf(() => parseXml(`<r>${text}</r>`)));
  });
});

describe('parseXml', () => {
  it('refuses an attribute given twice, at the second one, among many distinct ones', () => {
    const attributes = Array.from({ length: 1_000 }, (_, index) => `a${index}="1"`).join(' ');

    expect(syntaxErrorOf(() => parseXml(`<r ${attributes} a500="2"/>`))).toEqual({ problem: 'duplicate attribute', index: 3 + attributes.length + 1 });
  });
});

describe('parseXml reading plain tags in one step', () => {
  // A namespace declared on the document element sends every tag through the general steps.
  const DECLARATION = ' xmlns:q="u"';

  function outcomeOf(text: string, shift = 0): unknown {
    let document: XmlDocument;
    try {
      document = parseXml(text);
    } catch (error) {
      if (!(error instanceof XmlSyntaxError)) throw error;
      return { problem: error.problem, index: error.index - shift, tooDeep: error.tooDeep };
    }
    return Array.from({ length: document.size }, (_, element) => [
      document.tag(element),
      document.text(element),
      document.tail(element),
      document.end(element),
    ]);
  }

  const pieces = fc.constantFrom(
    ...['<a>', '</a>', '<a/>', '<b1>', '</b1>', '<_.-x>', '</_.-x>', '<a />', '<a/ >', '<a/', '</a >', '</a', '<a', '</', '<'],
    ...['<xml:a>', '</xml:a>', '<é>', '</é>', '<a:b>', '<1>', '< a>', '<a\u00e9>', 'x', ' ', '&amp;', '<a k="1">', '<!-- c -->', '</r>', '<r>'],
  );

  it('gives the document, or the error, the general steps give', () => {
    assertProperty(
      fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
        const content = parts.join('');
        expect(outcomeOf(`<r>${content}</r>`)).toEqual(outcomeOf(`<r${DECLARATION}>${content}</r>`, DECLARATION.length));
      }),
      3_000,
    );
  });

  it.each([
    ['nested past the limit', '<a>'.repeat(MAX_NESTING_DEPTH + 5)],
    ['self-closed past the limit', `${'<a>'.repeat(MAX_NESTING_DEPTH)}<a/>`],
    ['in the xml namespace, closed by its expanded name', '<xml:a></{http://www.w3.org/XML/1998/namespace}a>'],
    ['closed at the limit', `${'<a>'.repeat(MAX_NESTING_DEPTH - 1)}<a/>${'</a>'.repeat(MAX_NESTING_DEPTH - 1)}`],
  ])('gives the general steps’ outcome for elements %s', (_, content) => {
    expect(outcomeOf(`<r>${content}</r>`)).toEqual(outcomeOf(`<r${DECLARATION}>${content}</r>`, DECLARATION.length));
  });
});

describe('parseXml finding where text ends', () => {
  // Texts around the length up to which the reader scans character by character.
  const texts = fc.stringMatching(/^[a-z >"']{0,40}$/);

  it('keeps every text and tail whole, short or long', () => {
    assertProperty(
      fc.property(fc.array(fc.tuple(texts, texts), { minLength: 1, maxLength: 5 }), texts, (pieces, lead) => {
        const document = parseXml(`<r>${lead}${pieces.map(([text, tail]) => `<a>${text}</a>${tail}`).join('')}</r>`);

        expect([document.text(0), ...pieces.flatMap((_, index) => [document.text(index + 1), document.tail(index + 1)])]).toEqual([lead, ...pieces.flat()]);
      }),
      500,
    );
  });

  it.each([15, 16, 17])('keeps a text and a tail of %i characters whole', (count) => {
    const text = 'a'.repeat(count);
    const document = parseXml(`<r><a>${text}</a>${text}<b/></r>`);

    expect([document.text(1), document.tail(1), document.size]).toEqual([text, text, 3]);
  });

  it.each([0, 15, 16, 17, 40])('reads %i characters after the document element, where only spaces may stand', (count) => {
    expect(parseXml(`<r/>${' '.repeat(count)}`).size).toBe(1);
    expect(syntaxErrorOf(() => parseXml(`<r/>${' '.repeat(count)}x`))).toEqual({ problem: 'junk after document element', index: 4 + count });
    expect(parseXml('x'.repeat(count), { rootTag: 'r' }).text(0)).toBe('x'.repeat(count));
  });
});
