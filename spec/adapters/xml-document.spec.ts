import { parseXml } from '../../lib/adapters/xml-tree';

describe('XmlDocument', () => {
  it('numbers elements in document order, each subtree ending where its last descendant does', () => {
    const document = parseXml('<r><a><b/></a><c>x</c></r>');

    expect([0, 1, 2, 3].map((element) => [document.tag(element), document.end(element)])).toEqual([
      ['r', 4],
      ['a', 3],
      ['b', 3],
      ['c', 4],
    ]);
    expect(document.hasChildren(1)).toBe(true);
    expect(document.hasChildren(2)).toBe(false);
  });

  it('keeps every element when they fill more than one block of storage', () => {
    const document = parseXml(`<r>${Array.from({ length: 10_000 }, (_, index) => `<i${index % 3}>${index}</i${index % 3}>`).join('')}</r>`);

    expect(document.size).toBe(10_001);
    expect([4_096, 4_097, 10_000].map((element) => [document.tag(element), document.text(element), document.end(element)])).toEqual([
      ['i0', '4095', 4_097],
      ['i1', '4096', 4_098],
      ['i0', '9999', 10_001],
    ]);
    expect(document.end(0)).toBe(10_001);
  });

  it('joins text split by comments, CDATA and references after a plain first piece', () => {
    const document = parseXml('<r>x<!-- c -->y<![CDATA[<z>]]>&amp;<a/>t<?pi?>u&lt;<b/>v</r>');

    expect([document.text(0), document.tail(1), document.tail(2)]).toEqual(['xy<z>&', 'tu<', 'v']);
  });

  it('reads a tail and a text given as plain spans of the source', () => {
    const document = parseXml('<r> lead <a>inner</a> after </r>');

    expect([document.text(0), document.text(1), document.tail(1)]).toEqual([' lead ', 'inner', ' after ']);
  });

  it('keeps attributes only on the elements that have them, namespace declarations left out', () => {
    const document = parseXml('<r xmlns:p="u"><a p:k="1" k="2"/><b/></r>');

    expect([...document.attributes(1)]).toEqual([
      ['{u}k', '1'],
      ['k', '2'],
    ]);
    expect([document.hasAttributes(0), document.hasAttributes(1), document.hasAttributes(2)]).toEqual([false, true, false]);
  });
});
