import { XMLAdapter } from '../../lib/adapters/xml-adapter';
import { parseXml, XmlBlockPool } from '../../lib/adapters/xml-tree';
import { groupChildren } from '../../lib/adapters/xml-values';

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

  it('counts a run of bare leaves of one tag up to the first element that has children, text, a tail, attributes or another tag', () => {
    const leaves = '<a/>'.repeat(5_000);
    const document = parseXml(`<r>${leaves}<a><a/></a>${leaves}<a>x</a>${leaves}<a/>t${leaves}<a k="1"/>${leaves}<b/></r>`);
    // The first leaf of each run: after the document element, then after each stopper (two elements for the one with a child).
    const starts = [1, 5_003, 10_004, 15_005, 20_006];

    expect(starts.map((element) => document.bareLeafRun(element, document.end(0)))).toEqual([5_000, 5_000, 5_000, 5_000, 5_000]);
    expect([5_001, 10_003, 15_004, 20_005, 25_006].map((element) => document.bareLeafRun(element, document.end(0)))).toEqual([0, 0, 0, 0, 1]);
    expect(document.bareLeafRun(1, 4_097)).toBe(4_096);
  });

  it('keeps the markup inside a str field as ElementTree writes it, runs of bare leaves included', () => {
    const reply = '<answer>t<a/><a/><a>x</a><a/>tail<a k="1"/><b/><b/><xml:c/><c/><a/><a><a/></a><a/></answer>';

    expect(new XMLAdapter().parse('question -> answer', reply).answer).toBe(
      't<a /><a /><a>x</a><a />tail<a k="1" /><b /><b /><xml:c /><c /><a /><a><a /></a><a />',
    );
    expect(new XMLAdapter().parse('question -> answer', `<answer>${'<a/>'.repeat(5_000)}<b/>${'<a/>'.repeat(5_000)}</answer>`).answer).toBe(
      `${'<a />'.repeat(5_000)}<b />${'<a />'.repeat(5_000)}`,
    );
  });

  it('groups children by tag, an entry by its key, whether runs of a tag or an entry switch between groups', () => {
    const reply =
      '<answer><entry key="k">1</entry><k>2</k><k>3</k><entry key="j">4</entry><entry key="k">5</entry><j>6</j><entry>7</entry><entry>8</entry><k>9</k></answer>';

    expect(new XMLAdapter().parse('question -> answer: dict[str, Any]', reply).answer).toEqual({
      k: ['1', '2', '3', '5', '9'],
      j: ['4', '6'],
      entry: ['7', '8'],
    });
  });

  it("keeps each element's groups apart in the document's one array of lists, reused from the pool", () => {
    const pool = new XmlBlockPool();
    const groupsOf = (text: string): number[][] => {
      const document = parseXml(text, { pool });
      const groups = [1, document.end(1)].map((parent) => [...groupChildren(document, parent).get('i')!]);
      document.release();
      return groups;
    };

    expect(groupsOf(`<r><a>${'<i/>'.repeat(3_000)}</a><b>${'<i/>'.repeat(2_000)}</b></r>`)).toEqual([
      Array.from({ length: 3_000 }, (_, index) => index + 2),
      Array.from({ length: 2_000 }, (_, index) => index + 3_003),
    ]);
    expect(groupsOf('<r><a><i/><x/><i/></a><b><x/><i/></b></r>')).toEqual([[2, 4], [7]]);
  });

  describe('storage reused through an XmlBlockPool', () => {
    class CountingPool extends XmlBlockPool {
      given = 0;

      override give(blocks: readonly (Int32Array | undefined)[]): void {
        this.given += blocks.filter((block) => block !== undefined).length;
        super.give(blocks);
      }
    }

    it('hands out a released block again, cleared', () => {
      const pool = new XmlBlockPool();
      const block = pool.take(4_096);
      block.fill(7);
      pool.give([block]);

      const again = pool.take(4_096);

      expect(again).toBe(block);
      expect(again.every((value) => value === 0)).toBe(true);
      expect(pool.take(4_096)).not.toBe(block);
    });

    it('gives a document read after a released one none of its text, tails or elements', () => {
      const pool = new XmlBlockPool();
      const items = (count: number, item: (index: number) => string): string => Array.from({ length: count }, (_, index) => item(index)).join('');
      const first = parseXml(`<r>${items(5_000, (index) => `<a>text ${index}</a>tail`)}</r>`, { pool });
      first.release();

      // A text and a tail in every block, so each kind of block is taken from the pool.
      const second = parseXml(`<r>${items(6_000, (index) => (index % 1_000 === 999 ? '<b>y</b>z' : '<b/>'))}</r>`, { pool });

      expect(second.size).toBe(6_001);
      expect([1, 4_096, 5_000, 5_001].map((element) => [second.tag(element), second.text(element), second.tail(element), second.end(element)])).toEqual([
        ['b', '', '', 2],
        ['b', '', '', 4_097],
        ['b', 'y', 'z', 5_001],
        ['b', '', '', 5_002],
      ]);
      expect(() => first.tag(1)).toThrow(TypeError);
    });

    it('takes back the storage of a read that fails', () => {
      const pool = new CountingPool();

      expect(() => parseXml(`<r>${'<a>x</a>'.repeat(5_000)}<b></r>`, { pool })).toThrow('mismatched tag');
      // Two blocks of elements and two of text.
      expect(pool.given).toBe(4);
    });

    it('lets one XMLAdapter read reply after reply, each as a fresh adapter would', () => {
      const adapter = new XMLAdapter();
      const texts = `<answer>${'<item> x </item>'.repeat(5_000)}</answer>`;
      const bare = `<answer>${'<a/>'.repeat(5_000)}</answer>`;

      expect(adapter.parse('question -> answer: list[str]', texts).answer).toEqual(Array.from({ length: 5_000 }, () => 'x'));
      expect(adapter.parse('question -> answer', bare).answer).toBe('<a />'.repeat(5_000));
      expect(() => adapter.parse('question -> answer', `${bare}<b>`)).toThrow('Failed to parse XML');
      expect(adapter.parse('question -> answer', bare)).toEqual(new XMLAdapter().parse('question -> answer', bare));
    });
  });
});
