import { parseJsonLoosely } from '../../lib/adapters/parse-json-loosely';

describe('parseJsonLoosely', () => {
  it('reads strict JSON', () => {
    expect(parseJsonLoosely(' {"a": [1, 2.5, null, true]} ')).toEqual({ ok: true, value: { a: [1, 2.5, null, true] } });
  });

  it('reads Python literals: True, False, None, single quotes, tuples, trailing commas', () => {
    expect(parseJsonLoosely("{'a': (True, False, None), 'b': 'it\\'s',}")).toEqual({ ok: true, value: { a: [true, false, null], b: "it's" } });
  });

  it('reads a value inside a Markdown code fence', () => {
    expect(parseJsonLoosely('```json\n{"answer": 4}\n```')).toEqual({ ok: true, value: { answer: 4 } });
  });

  it('keeps a "__proto__" key as an own property', () => {
    const result = parseJsonLoosely("{'__proto__': {'polluted': 1}}");

    expect(result.ok && Object.getPrototypeOf(result.value)).toBe(Object.prototype);
  });

  it.each(['', 'hello', '{"a": 1', "{'a': os.system('x')}", '[1, 2] trailing', 'toString'])('reports %j as not JSON', (text) => {
    expect(parseJsonLoosely(text)).toEqual({ ok: false });
  });
});
