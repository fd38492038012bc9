import fc from 'fast-check';
import { inspect } from 'node:util';
import { repairJson } from '../../lib/adapters/repair-json';
import { PlainJsonReader } from '../../lib/adapters/plain-json-reader';
import { MAX_NESTING_DEPTH } from '../../lib/util/nesting-depth';
import { assertProperty } from '../helpers/property-check';

/** Every distinction the readings could differ in: key order, own `__proto__`, -0, prototypes. */
function shown(value: unknown): string {
  return inspect(value, { depth: null });
}

const readObject = (text: string, start = 0) => new PlainJsonReader(text).readObject(start, 1);

// Characters that mean something to the lenient reader, inside keys and string values; the
// ones the plain reader declines (escapes, controls, curly quotes) are rarer.
const plainChar = fc.constantFrom(..."ab1 :,{}[]'#/*.-_é".split(''));
const oddChar = fc.constantFrom('“', '”', '\\', '"', '\n', '\t');
const text = fc.string({ unit: fc.oneof({ arbitrary: plainChar, weight: 30 }, { arbitrary: oddChar, weight: 1 }), maxLength: 8 });
const numberText = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.constantFrom('0', '-0', '0.0', '1.50', '-0.001', '1e5', '1E-3', '2.5e10', '1e400', '123456789012345', '0.12345678901234'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)),
);
const oddValue = fc.constantFrom(
  '1234567890123456789012345678901234',
  '007',
  '1.',
  '.5',
  '1e+5',
  '-',
  'True',
  'nul',
  '[]',
  '{}',
  '""',
  '"..."',
  '"a',
  `'it"s'`,
  'bare words',
  '',
  "'x",
  '1,a',
  '"a", "b"',
  "'a' 'b'",
);
const space = fc.constantFrom('', '', ' ', '\n  ', '\t', '\r\n');
const keyText = fc.oneof(text, fc.constantFrom('__proto__', 'constructor', 'answer', 'a', 'a', '', 'a_1', '_b', '1a'));
/** What may stand before a key: mostly nothing, now and then a stray brace, bullet, colon or comment. */
const keyJunk = fc.oneof(
  { arbitrary: fc.constant(''), weight: 12 },
  { arbitrary: fc.constantFrom('{', '{{', '* ', '- ', '-', ':', '}', '#', '/', '[', '{ '), weight: 1 },
);
/** A text as an LM may quote it: in double quotes (JSON), in single quotes (Python), or bare (keys only). */
const quoteStyle = fc.constantFrom('double', 'double', 'single', 'bare');
function quoted(value: string, style: string, bareAllowed: boolean): string {
  if (style === 'single') return `'${value}'`;
  if (style === 'bare' && bareAllowed) return value;
  return JSON.stringify(value);
}

/** JSON-like text: mostly plain JSON, nested a few levels, with now and then something the plain reader declines. */
const { value: valueText } = fc.letrec<{ value: string; object: string; array: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: fc.tuple(text, quoteStyle).map(([value, style]) => quoted(value, style, false)), weight: 4 },
    { arbitrary: numberText, weight: 4 },
    { arbitrary: fc.constantFrom('true', 'false', 'null'), weight: 2 },
    { arbitrary: oddValue, weight: 1 },
    { arbitrary: tie('object'), weight: 2 },
    { arbitrary: tie('array'), weight: 2 },
  ),
  object: fc
    .tuple(
      fc.array(
        fc
          .tuple(keyJunk, keyText, quoteStyle, space, space, tie('value'), space)
          .map(([junk, key, style, before, after, value, end]) => `${junk}${quoted(key, style, true)}${before}:${after}${value}${end}`),
        { minLength: 1, maxLength: 4 },
      ),
      space,
    )
    .map(([members, lead]) => `{${lead}${members.join(',')}}`),
  array: fc
    .tuple(fc.array(fc.tuple(space, tie('value'), space), { minLength: 1, maxLength: 4 }), space)
    .map(([items]) => `[${items.map(([before, item, after]) => `${before}${item}${after}`).join(',')}]`),
}));
const objectText = valueText.filter((candidate) => candidate.startsWith('{'));

/** The object in the places a reply puts it: alone, repeated, in a list, in prose, nested, cut short. */
const reply = fc
  .tuple(objectText, objectText, fc.constantFrom('one', 'repeated', 'list', 'prose', 'nested', 'continued', 'adjacent'), fc.nat(100))
  .map(([first, second, place, cut]) => {
    const places: Record<string, string> = {
      one: first,
      repeated: `${first} ${second} ${first}`,
      list: `[${first}, ${second}]`,
      prose: `Sure: ${first}\nthanks`,
      nested: `{"outer": ${first}, "next": [${second}]}`,
      continued: `${first}, "b": 2}`,
      adjacent: `[${first}${second}]`,
    };
    const whole = places[place];
    return cut < 20 ? whole.slice(0, Math.floor((whole.length * cut) / 20)) : whole;
  });

describe('PlainJsonReader', () => {
  it('reads a plain object, nested values included, and says where it ends', () => {
    const reply = 'x {"answer": 4, "note": "a, b: {c}", "ok": true, "none": null, "r": -0.25, "steps": [1, {"k": "v"}], "e": 1e3} y';
    expect(readObject(reply, 2)).toEqual({
      object: { answer: 4, note: 'a, b: {c}', ok: true, none: null, r: -0.25, steps: [1, { k: 'v' }], e: 1000 },
      end: reply.length - 2,
    });
  });

  it('reads single-quoted strings and bare keys, as LMs write them', () => {
    expect(readObject("{'answer': 'it is', 'note': ['a', 1], b_2: 'x'}")?.object).toEqual({ answer: 'it is', note: ['a', 1], b_2: 'x' });
  });

  it('reads a plain member of an object that needs repair elsewhere', () => {
    const reply = '{"a": [1, "x"], b: True, "c": 2';
    const reader = new PlainJsonReader(reply);
    expect(reader.readMember(1, 1)).toBe(reply.indexOf('],') + 1);
    expect([reader.memberKey, reader.memberValue]).toEqual(['a', [1, 'x']]);
    expect(reader.readMember(reply.indexOf('b:'), 1)).toBe(-1);
    // The last member is not followed by `,` or `}`: the lenient reader reads it.
    expect(reader.readMember(reply.indexOf('"c"'), 1)).toBe(-1);
    expect(repairJson(reply)).toEqual({ ok: true, value: { a: [1, 'x'], b: true, c: 2 } });
  });

  it('steps over a stray brace or bullet before a member key, as the lenient reader does', () => {
    const reply = '{"a": 1, {"b": 2, - "c": 3, #"d": 4}';
    const reader = new PlainJsonReader(reply);
    expect(reader.readMember(reply.indexOf('{"b"'), 1)).toBe(reply.indexOf(', -'));
    expect(reader.memberKey).toBe('b');
    expect(reader.readMember(reply.indexOf('#'), 1)).toBe(-1);
    expect(repairJson(reply)).toEqual(repairJson(reply, { plainObjects: false }));
  });

  it('keeps a "__proto__" key an own key', () => {
    const read = readObject('{"__proto__": {"isAdmin": true}}');
    expect(Object.getPrototypeOf(read?.object)).toBe(Object.prototype);
    expect(Object.keys(read?.object ?? {})).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('declines what the lenient reader would repair or read otherwise', () => {
    for (const declined of [
      '{}',
      '{"a": {}}',
      '{"a": []}',
      '{"a": ["", 1]}',
      '{"a": "\\n"}',
      '{"a": 1,}',
      '{"a": 1, "a": 2}',
      '{_a: 1}',
      '{1a: 1}',
      '{a-b: 1}',
      `{'it"s': 1}`,
      '{"a": True}',
      '{"a": 1e+5}',
      '{"a": 1234567890123456789012345678901234}',
      '{"a": 01}',
      '{"a": "“quoted”"}',
      '{"a": 1',
      '{"a": 1 "b": 2}',
      '{"a":\f1}',
    ]) {
      expect(readObject(declined)).toBeUndefined();
    }
  });

  it('declines nesting past the limit, for the lenient reader to refuse', () => {
    const deep = (levels: number) => '{"a": '.repeat(levels) + '1' + '}'.repeat(levels);
    expect(readObject(deep(MAX_NESTING_DEPTH))).toBeDefined();
    expect(readObject(deep(MAX_NESTING_DEPTH + 1))).toBeUndefined();
    expect(repairJson(`${deep(MAX_NESTING_DEPTH + 1)} x`)).toEqual({ ok: false, tooDeep: true });
  });

  it('reads what the lenient reader reads, wherever the object is in the reply', () => {
    assertProperty(
      fc.property(reply, (candidate) => {
        expect(shown(repairJson(candidate))).toBe(shown(repairJson(candidate, { plainObjects: false })));
        // The same with numbers kept as Python's text (how `str` fields are read).
        expect(shown(repairJson(candidate, { numberText: true }))).toBe(shown(repairJson(candidate, { numberText: true, plainObjects: false })));
      }),
      3000,
    );
  });

  it('is taken for many generated objects (the comparison above is not idle)', () => {
    const objects = fc.sample(objectText, { seed: 7, numRuns: 500 });
    const taken = objects.filter((object) => readObject(object) !== undefined).length;
    expect(taken).toBeGreaterThan(60);
  });

  it('stops trying once declined attempts have cost two passes over the text', () => {
    // Each nested object runs to the same bad end; without the budget every level would scan it again.
    const levels = 50;
    const reply = `${'{"a": '.repeat(levels)}[${'1, '.repeat(10_000)}x]${'}'.repeat(levels)} {"b": 1}`;
    const plainAtEnd = reply.lastIndexOf('{');
    const reader = new PlainJsonReader(reply);
    const attempts = Array.from({ length: levels }, (_, level) => reader.readObject(level * 6, level + 1));
    expect(attempts.every((attempt) => attempt === undefined)).toBe(true);
    // The budget is spent: even the plain object at the end is left to the lenient reader now.
    expect(reader.readObject(plainAtEnd, 1)).toBeUndefined();
    expect(new PlainJsonReader(reply).readObject(plainAtEnd, 1)?.object).toEqual({ b: 1 });
  });
});
