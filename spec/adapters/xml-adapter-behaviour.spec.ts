import fc from 'fast-check';
import { ChatAdapter, DspexError, DummyLM, Predict, Signature, XMLAdapter, configure, context, resetSettings } from '../../lib';
import * as parseValueModule from '../../lib/adapters/parse-value';
import { describeValue } from '../../lib/errors';
import { assertProperty, isPrototypeClean, onlyDspexErrors, prototypeSnapshot } from '../helpers/property-check';

afterEach(() => resetSettings());

describe('XMLAdapter', () => {
  it('is a ChatAdapter, so a failed call is retried through JSONAdapter', async () => {
    const lm = new DummyLM(['no tags here', '{"answer": "Paris"}']);

    const prediction = await context({ lm, adapter: new XMLAdapter() }, () => new Predict('question -> answer').forward({ question: 'Capital of France?' }));

    expect(new XMLAdapter()).toBeInstanceOf(ChatAdapter);
    expect(prediction.answer).toBe('Paris');
    expect(lm.history).toHaveLength(2);
  });

  it('does not retry through JSONAdapter when useJsonAdapterFallback is false', async () => {
    const lm = new DummyLM(['a < b', '{"answer": "Paris"}']);

    const run = context({ lm, adapter: new XMLAdapter({ useJsonAdapterFallback: false }) }, () => new Predict('question -> answer').forward({ question: 'q' }));

    await expect(run).rejects.toMatchObject({ code: 'ADAPTER_PARSE', details: { adapter: 'XMLAdapter', line: 1, column: 3 } });
  });

  it('is selected through configure and sends XML-formatted prompts', async () => {
    const adapter = new XMLAdapter();
    const lm = new DummyLM([{ answer: 'a & b < c', count: 3 }], { adapter });
    configure({ lm, adapter });

    const prediction = await new Predict('question -> answer, count: int').forward({ question: 'What?' });

    expect(prediction.toJSON()).toEqual({ answer: 'a & b < c', count: 3 });
    expect(lm.history[0].messages[1].content).toContain('<question>\nWhat?\n</question>');
  });

  it('refuses elements nested more than 100 levels deep, naming the limit', () => {
    const reply = `<answer>${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</answer>`;

    expect(() => new XMLAdapter().parse('question -> answer', reply)).toThrow(
      expect.objectContaining({ code: 'ADAPTER_PARSE', details: expect.objectContaining({ maxDepth: 100 }) }),
    );
  });

  it('accepts elements nested 100 levels deep', () => {
    const reply = `<answer>${'<a>'.repeat(99)}x${'</a>'.repeat(99)}</answer>`;

    expect(new XMLAdapter().parse('question -> answer', reply).answer).toBe(`${'<a>'.repeat(99)}x${'</a>'.repeat(99)}`);
  });

  it('reports the line and column of the first error in the reply', () => {
    const reply = 'Sure.\n<answer>\nfine\n</answr>';

    expect(() => new XMLAdapter().parse('question -> answer', reply)).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ line: 4, column: 2 }) }),
    );
  });

  it('keeps a "__proto__" tag an own key of a dict value', () => {
    const parsed = new XMLAdapter().parse('question -> meta: dict[str, Any]', '<meta><__proto__><isAdmin>true</isAdmin></__proto__></meta>');

    expect(Object.keys(parsed.meta as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('parses a union value that fits no member once, and quotes its start in the error', () => {
    const parse = jest.spyOn(parseValueModule, 'parseValue');
    const members = Array.from({ length: 50 }, (_, index) => `dict[str, Literal['v${index}']]`).join(', ');
    const reply = `<answer>${'<k>v</k>'.repeat(1_000)}</answer>`;

    try {
      expect(() => new XMLAdapter().parse(`question -> answer: Union[${members}]`, reply)).toThrow(
        expect.objectContaining({ code: 'ADAPTER_PARSE', message: expect.stringContaining(`Received: ${describeValue({ k: Array(1_000).fill('v') }, 300)}.`) }),
      );
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('reads list items as lax validation converts them, each item on its own', () => {
    const reply = '<answer><item> 007 </item><item>-3</item><item>1.0</item><item>123456789012345</item></answer>';

    expect(new XMLAdapter().parse('question -> answer: list[int]', reply).answer).toEqual([7, -3, 1, 123_456_789_012_345]);
    expect(new XMLAdapter().parse('question -> answer: list[dict[str, int]]', '<answer><item></item><item><a>2</a></item></answer>').answer).toEqual([
      {},
      { a: 2 },
    ]);
  });

  it('groups children of one name in first-seen order, an entry by its key (even an empty one)', () => {
    const reply = '<answer><b>1</b><a>2</a><b>3</b><entry key="">4</entry><entry key="">5</entry><a>6</a></answer>';

    expect(new XMLAdapter().parse('question -> answer: dict[str, Any]', reply).answer).toEqual({ b: ['1', '3'], a: ['2', '6'], '': ['4', '5'] });
  });

  it('parses back what formatFieldsBlock writes', () => {
    const adapter = new XMLAdapter();
    const signature = Signature.parse('question -> answer, tags: list[str], count: int');
    const values = { answer: 'x < y && z > 0', tags: ['a<b', 'c&d'], count: 7 };

    expect(adapter.parse(signature, adapter.formatFieldsBlock(values))).toEqual(values);
  });
});

describe('XMLAdapter.parse properties', () => {
  const signatures = [
    'question -> answer',
    'question -> answer: int',
    'question -> answer: list[int], note: Optional[str]',
    'question -> meta: dict[str, list[float]]',
  ].map((text) => Signature.parse(text));
  const fragments = [
    '<answer>',
    '</answer>',
    '<note>',
    '</note>',
    '<meta>',
    '</meta>',
    '<item>',
    '</item>',
    '<entry key="__proto__">',
    '</entry>',
    '<a/>',
    '&amp;',
    '&lt;',
    '&#65;',
    '&',
    '<',
    '>',
    '<!--',
    '-->',
    '<![CDATA[',
    ']]>',
    '<?pi x?>',
    '"',
    "'",
    '\r\n',
    ' ',
    '1',
    '[1, 2]',
    'None',
    'é',
    '\u0001',
  ];

  it('returns fields or throws a DspexError for any mix of tags and text, leaving prototypes clean', () => {
    const snapshot = prototypeSnapshot();
    const adapter = new XMLAdapter();
    assertProperty(
      fc.property(fc.integer({ min: 0, max: signatures.length - 1 }), fc.array(fc.constantFrom(...fragments), { maxLength: 40 }), (index, parts) => {
        const result = onlyDspexErrors(() => adapter.parse(signatures[index], parts.join('')));
        return (
          (result instanceof DspexError ? ['ADAPTER_PARSE', 'OUTPUT_INVALID'].includes(result.code) : typeof result === 'object') && isPrototypeClean(snapshot)
        );
      }),
      1_000,
    );
    expect(isPrototypeClean(snapshot)).toBe(true);
  });
});
