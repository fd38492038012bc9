import fc from 'fast-check';
import { inspect } from 'node:util';
import { repairJson } from '../../lib/adapters/repair-json';
import { readStrictFlatObject } from '../../lib/adapters/strict-flat-object';
import { assertProperty } from '../helpers/property-check';

/** Every distinction the readings could differ in: key order, own `__proto__`, -0, prototypes. */
function shown(value: unknown): string {
  return inspect(value, { depth: null, showHidden: false, sorted: false, getters: false });
}

function bothReadings(text: string): [string, string] {
  const native = repairJson(text);
  const lenient = repairJson(text, { strictFlatObjects: false });
  return [shown(native), shown(lenient)];
}

// Characters that mean something to the lenient reader, inside keys and string values; the
// ones the native reading declines (escapes, controls, curly quotes) are rarer.
const plainChar = fc.constantFrom(..."ab1 :,{}[]'#/*.-_é".split(''));
const oddChar = fc.constantFrom('“', '”', '\\', '"', '\n', '\t');
const text = fc.string({ unit: fc.oneof({ arbitrary: plainChar, weight: 30 }, { arbitrary: oddChar, weight: 1 }), maxLength: 8 });
const numberText = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.constantFrom('0', '-0', '0.0', '1.50', '-0.001', '123456789012345', '0.12345678901234'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)),
);
const oddValue = fc.constantFrom('1234567890123456', '007', '1.', '.5', '1e5', '-', 'True', 'nul', '[]', '{}', '"a');
const valueText = fc.oneof(
  { arbitrary: text.map((value) => JSON.stringify(value)), weight: 4 },
  { arbitrary: numberText, weight: 4 },
  { arbitrary: fc.constantFrom('true', 'false', 'null'), weight: 2 },
  { arbitrary: oddValue, weight: 1 },
);
const space = fc.constantFrom('', ' ', '\n  ', '\t', '\r\n');
const keyText = fc.oneof(text, fc.constantFrom('__proto__', 'constructor', 'answer', ''));
const member = fc
  .tuple(keyText, space, space, valueText, space)
  .map(([key, before, after, value, end]) => `${JSON.stringify(key)}${before}:${after}${value}${end}`);
const flatObject = fc.tuple(fc.array(member, { minLength: 1, maxLength: 4 }), space).map(([members, lead]) => `{${lead}${members.join(',')}}`);

/** The object in the places a reply puts it: alone, repeated, in a list, in prose, nested, cut short. */
const reply = fc
  .tuple(flatObject, flatObject, fc.constantFrom('one', 'repeated', 'list', 'prose', 'nested', 'continued', 'adjacent'), fc.nat(100))
  .map(([first, second, place, cut]) => {
    const whole =
      place === 'one'
        ? first
        : place === 'repeated'
          ? `${first} ${second} ${first}`
          : place === 'list'
            ? `[${first}, ${second}]`
            : place === 'prose'
              ? `Sure: ${first}\nthanks`
              : place === 'nested'
                ? `{"outer": ${first}, "next": [${second}]}`
                : place === 'continued'
                  ? `${first}, "b": 2}`
                  : `[${first}${second}]`;
    return cut < 20 ? whole.slice(0, Math.floor((whole.length * cut) / 20)) : whole;
  });

describe('readStrictFlatObject', () => {
  it('reads a strict object of plain scalars, and says where it ends', () => {
    const text = 'x {"answer": 4, "note": "a, b: {c}", "ok": true, "none": null, "r": -0.25} y';
    expect(readStrictFlatObject(text, 2)).toEqual({ object: { answer: 4, note: 'a, b: {c}', ok: true, none: null, r: -0.25 }, end: text.length - 2 });
  });

  it('keeps a "__proto__" key an own key', () => {
    const read = readStrictFlatObject('{"__proto__": 1}', 0);
    expect(Object.getPrototypeOf(read?.object)).toBe(Object.prototype);
    expect(Object.keys(read?.object ?? {})).toEqual(['__proto__']);
  });

  it('leaves to the lenient reader what it would repair or read otherwise', () => {
    for (const declined of [
      '{}',
      '{"a": "\\n"}',
      '{"a": 1,}',
      '{"a": 1, "a": 2}',
      "{'a': 1}",
      '{a: 1}',
      '{"a": True}',
      '{"a": 1e5}',
      '{"a": 1234567890123456}',
      '{"a": 01}',
      '{"a": [1]}',
      '{"a": {"b": 1}}',
      '{"a": "“quoted”"}',
      '{"a": 1',
      '{"a": 1 "b": 2}',
      '{"a":\f1}',
    ]) {
      expect(readStrictFlatObject(declined, 0)).toBeUndefined();
    }
  });

  it('reads what the lenient reader reads, wherever the object is in the reply', () => {
    assertProperty(
      fc.property(reply, (text) => {
        const [native, lenient] = bothReadings(text);
        expect(native).toBe(lenient);
      }),
      4000,
    );
  });

  it('is taken for most generated objects (the comparison above is not idle)', () => {
    const objects = fc.sample(flatObject, { seed: 7, numRuns: 500 });
    const taken = objects.filter((object) => readStrictFlatObject(object, 0) !== undefined).length;
    expect(taken).toBeGreaterThan(100);
  });
});
