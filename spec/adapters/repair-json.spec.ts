import fc from 'fast-check';
import { inspect } from 'node:util';
import { repairJson, repairJsonFrom } from '../../lib/adapters/repair-json';
import { assertProperty } from '../helpers/property-check';

/**
 * Golden cases: what DSPy's `json_repair.loads` (0.61) returns for each input, taken from
 * json_repair's own tests (tests/test_json_repair.py, test_parse_object.py, test_parse_array.py,
 * test_parse_string.py, test_parse_number.py, test_parse_comment.py). `''` is json_repair's
 * "nothing found".
 */
const GOLDEN: [string, unknown][] = [
  ['{"key": "value', { key: 'value' }],
  ['Here is your JSON: {"key": "value', { key: 'value' }],
  ['Here is your JSON:\n{"text": "literal } and ]"}\nAdditional explanation.', { text: 'literal } and ]' }],
  ['[]{}', []],
  ['[]{"key":"value"}', { key: 'value' }],
  ['{"key":"value"}[1,2,3,True]', [{ key: 'value' }, [1, 2, 3, true]]],
  ['{"key":"value"}, {"key":"value_after"}', [{ key: 'value' }, { key: 'value_after' }]],
  ['lorem ```json {"key":"value"} ``` ipsum ```json [1,2,3,True] ``` 42', [{ key: 'value' }, [1, 2, 3, true]]],
  ['[{"key":"value"}][{"key":"value_after"}]', [{ key: 'value_after' }]],
  ['{"key": true, "key2": false, "key3": }', { key: true, key2: false, key3: '' }],
  ['{ "key": "value", "key2": 1, "key3": True }', { key: 'value', key2: 1, key3: true }],
  ['{', {}],
  ['{ "key": value, "key2": 1 "key3": null }', { key: 'value', key2: 1, key3: null }],
  ['}', ''],
  ['{"', {}],
  ['{foo: [}', { foo: [] }],
  ['{"": "value"', { '': 'value' }],
  ['{"key": "v"alue"}', { key: 'v"alue"' }],
  ['{"value_1": true, COMMENT "value_2": "data"}', { value_1: true, value_2: 'data' }],
  ['{"" : true, "key2": "value2"}', { '': true, key2: 'value2' }],
  ['{ "a" : "{ b": {} }" }', { a: '{ b' }],
  ['{"b": "xxxxx" true}', { b: 'xxxxx' }],
  ['{"key": "Lorem "ipsum" s,"}', { key: 'Lorem "ipsum" s,' }],
  ['{"lorem": ipsum, sic, datum.",}', { lorem: 'ipsum, sic, datum.' }],
  ['{"key":value, " key2":"value2" }', { key: 'value', ' key2': 'value2' }],
  ['{"key":value "key2":"value2" }', { key: 'value', key2: 'value2' }],
  ['{"key": "value}```', { key: 'value' }],
  ['{key:value,key2:value2}', { key: 'value', key2: 'value2' }],
  ['{"key": , "key2": "value2"}', { key: '', key2: 'value2' }],
  ['[{"key":"value"}},{"key":"value"}]', [{ key: 'value' }, { key: 'value' }]],
  ['{"key": "value"}, "key2": "value2"}', { key: 'value', key2: 'value2' }],
  ['{"key": "value"}, "key2": }', { key: 'value', key2: '' }],
  ['{"key": "value"}, []', { key: 'value' }],
  ['{"key": "value"}, ["abc"]', [{ key: 'value' }, ['abc']]],
  ['{"key": "value"}, {}', { key: 'value' }],
  ['{"key": "value"}, "" : "value2"}', { key: 'value', '': 'value2' }],
  ['{"key": "value"}, "key2" "value2"}', { key: 'value', key2: 'value2' }],
  ['[', []],
  ['[{]', []],
  ["{'key1', 'key2'}", ['key1', 'key2']],
  ['[{"key":"value"}},{"key":"value"}]', [{ key: 'value' }, { key: 'value' }]],
  ['["', []],
  [']', ''],
  ['[1, 2, 3,', [1, 2, 3]],
  ['[1, 2, 3, ...]', [1, 2, 3]],
  ['[1, 2, ... , 3]', [1, 2, 3]],
  ["[1, 2, '...', 3]", [1, 2, '...', 3]],
  ['[true, false, null, ...]', [true, false, null]],
  ['["a" "b" "c" 1', ['a', 'b', 'c', 1]],
  ['{"employees":["John", "Anna",', { employees: ['John', 'Anna'] }],
  ['{"employees":["John", "Anna", "Peter', { employees: ['John', 'Anna', 'Peter'] }],
  ['{"key1": {"key2": [1, 2, 3', { key1: { key2: [1, 2, 3] } }],
  ['{"key": ["value]}', { key: ['value'] }],
  ['["lorem "ipsum" sic"]', ['lorem "ipsum" sic']],
  ['{"key": ["value" "value1" "value2"]}', { key: ['value', 'value1', 'value2'] }],
  ['{"k"e"y": "value"}', { 'k"e"y': 'value' }],
  ['["key":"value"}]', [{ key: 'value' }]],
  ['["key":"value"]', [{ key: 'value' }]],
  ['[ "key":"value"]', [{ key: 'value' }]],
  ['{"coords": (1, 2), "ok": true}', { coords: [1, 2], ok: true }],
  ['{"empty": ()}', { empty: [] }],
  ['{"scalar_group": (1)}', { scalar_group: 1 }],
  ['{"string_group": ("x")}', { string_group: 'x' }],
  ['["value1" value2", "value3"]', ['value1', 'value2', 'value3']],
  ['1', 1],
  ['1.2', 1.2],
  ['{"value": 82_461_110}', { value: 82461110 }],
  ['{"value": 1_234.5_6}', { value: 1234.56 }],
  ['{"key": 1/3}', { key: '1/3' }],
  ['{"key": .25}', { key: 0.25 }],
  ['{"here": "now", "key": 1/3, "foo": "bar"}', { here: 'now', key: '1/3', foo: 'bar' }],
  ['[105,12', [105, 12]],
  ['{"key", 105,12,', { key: '105,12' }],
  ['{"key": 10-20}', { key: '10-20' }],
  ['{"key": 1.1.1}', { key: '1.1.1' }],
  ['[- ', []],
  ['{"key": 1. }', { key: 1.0 }],
  ['{"key": 1e10 }', { key: 1e10 }],
  ['{"key": 1e }', { key: 1 }],
  ['{"key": 1notanumber }', { key: '1notanumber' }],
  ['[1, 2notanumber]', [1, '2notanumber']],
  ['"', ''],
  [' ', ''],
  ['string', ''],
  ['stringbeforeobject {}', {}],
  ['{“slanted_delimiter”: "value"}', { slanted_delimiter: 'value' }],
  ['{"name": "John", "age": 30, "city": "New', { name: 'John', age: 30, city: 'New' }],
  ['{"key": ""value"}', { key: 'value' }],
  ['{"key": "value", 5: "value"}', { key: 'value', '5': 'value' }],
  ['{"foo": "\\"bar\\""', { foo: '"bar"' }],
  ['{"" key":"val"', { ' key': 'val' }],
  ['{"key": value "key2" : "value2" ', { key: 'value', key2: 'value2' }],
  ['{"key": value , }', { key: 'value' }],
  ['{"key": "v"alu"e"} key:', { key: 'v"alu"e' }],
  ['{"key": "v"alue", "key2": "value2"}', { key: 'v"alue', key2: 'value2' }],
  ['[{"key": "v"alu,e", "key2": "value2"}]', [{ key: 'v"alu,e', key2: 'value2' }]],
  ["'\"'", ''],
  ['{"key\t_": "value"}', { 'key\t_': 'value' }],
  ['{"key": \'value\'}', { key: 'value' }],
  ['{"key": "\\u0076\\u0061\\u006C\\u0075\\u0065"}', { key: 'value' }],
  ['{"key": "valu\\\'e"}', { key: "valu'e" }],
  ['{\'key\': "{\\"key\\": 1, \\"key2\\": 1}"}', { key: '{"key": 1, "key2": 1}' }],
  ['{ "content": "[LINK](" }', { content: '[LINK](' }],
  ['{ "content": "[LINK](", "key": true }', { content: '[LINK](', key: true }],
  ['````{ "key": "value" }```', { key: 'value' }],
  ['{"key": "``"', { key: '``' }],
  ['{"key": "```json"', { key: '```json' }],
  ['True', ''],
  ['False', ''],
  ['Null', ''],
  ['true', true],
  ['null', null],
  ['  {"key": true, "key2": false, "key3": null}', { key: true, key2: false, key3: null }],
  ['{"key": TRUE, "key2": FALSE, "key3": Null}   ', { key: true, key2: false, key3: null }],
  ['/', ''],
  ['{ "key": { "key2": "value2" // comment }, "key3": "value3" }', { key: { key2: 'value2' } }],
  ['[ "value", /* comment */ "value2" ]', ['value', 'value2']],
  ['{ "key": "value" /* comment', { key: 'value' }],
  ['{"text": "The quick brown fox won\'t jump"}', { text: "The quick brown fox won't jump" }],
  ['{"key": 12345678901234567890}', { key: Number('12345678901234567890') }],
  [
    '{\n"html": "<h3 id="aaa">Waarom meer dan 200 Technical Experts - "Passie voor techniek"?</h3>"}',
    { html: '<h3 id="aaa">Waarom meer dan 200 Technical Experts - "Passie voor techniek"?</h3>' },
  ],
  ["{'a': None, 'b': [1, 2,], 'c': 'it'}", { a: 'None', b: [1, 2], c: 'it' }],
];

describe('repairJson', () => {
  it.each(GOLDEN)('reads %j as json_repair does', (input, expected) => {
    expect(repairJson(input)).toEqual({ ok: true, value: expected });
  });
});

describe('repairJson on long and repetitive replies', () => {
  it('keeps every item in order when an array is longer than one chunk of the reader', () => {
    const items = Array.from({ length: 20_001 }, (_, index) => (index % 3 === 0 ? true : index % 3 === 1 ? index : `s${index}`));
    const text = `[${items.map((item) => (item === true ? 'True' : JSON.stringify(item))).join(', ')}`;
    expect(repairJson(text)).toEqual({ ok: true, value: items });
  });

  it('keeps texts of the same length apart when they differ', () => {
    expect(repairJson('{"ab": "cd", "ef": "gh"} x')).toEqual({ ok: true, value: { ab: 'cd', ef: 'gh' } });
    expect(repairJson('["a" "b a" "b a" "c d"')).toEqual({ ok: true, value: ['a', 'b a', 'b a', 'c d'] });
  });

  it.each([
    ['["" "x"]', ['x']],
    ['[""x" "y"]', ['x', 'y']],
    ['["a" "b" , "c"]', ['a', 'b', 'c']],
  ])('reads the items of %s around stray and doubled quotes', (input, expected) => {
    expect(repairJson(input)).toEqual({ ok: true, value: expected });
  });

  it('reads strict JSON strictly when only JSON whitespace follows it', () => {
    // `\/` is `/` in strict JSON; the lenient reader would keep the backslash.
    expect(repairJson('{"a": "x\\/y", "b": [1E2, true, null]}\n\t ')).toEqual({ ok: true, value: { a: 'x/y', b: [100, true, null] } });
  });
});

describe('repairJsonFrom', () => {
  it('says where the value starts: the text read from there gives the same value', () => {
    const piece = fc.constantFrom(
      '{"a": 1}',
      '{"a": 2}',
      "{'a': 3}",
      '{"b": [1.5]}',
      '[1, 2]',
      'text',
      ', ',
      ' ',
      '{"a": ',
      '}',
      ']',
      '# c\n',
      '{a: 1}',
      '""',
      '{}',
    );
    assertProperty(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.boolean(), (pieces, numberText) => {
        const text = pieces.join('');
        const { result, start } = repairJsonFrom(text, { numberText });
        expect(result).toEqual(repairJson(text, { numberText }));
        expect(inspect(repairJson(text.slice(start), { numberText }), { depth: null })).toBe(inspect(result, { depth: null }));
      }),
      3000,
    );
  });

  it('points at the last of repeated objects', () => {
    const text = '{"a": 1} {"a": 2} {"a": 3}';
    expect(repairJsonFrom(text)).toEqual({ result: { ok: true, value: { a: 3 } }, start: text.lastIndexOf('{') });
  });
});
