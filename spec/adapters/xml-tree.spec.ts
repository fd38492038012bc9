import { parseXml, XmlSyntaxError } from '../../lib/adapters/xml-tree';

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
