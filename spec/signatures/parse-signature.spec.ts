import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemaOf } from '../../lib/signatures/json-schema';
import { Signature } from '../../lib/signatures/signature';

// [signature text, [[field name, prefix], ...]] as DSPy parses it, or null where DSPy refuses it; from generate.py.
const nameCases = JSON.parse(readFileSync(join(__dirname, '../fixtures/signatures/dspy-field-names.json'), 'utf8')) as [string, [string, string][] | null][];

describe('parseSignatureText: names and defaults as Python parses parameters', () => {
  it.each(nameCases)('parses %p as DSPy does', (text, expected) => {
    if (expected === null) {
      expect(() => Signature.parse(text, 'x')).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
    } else {
      expect(Signature.parse(text, 'x').fields.map((field) => [field.name, field.prefix])).toEqual(expected);
    }
  });

  it('names a field by the NFKC form of its name', () => {
    expect(Signature.parse('ﬁle -> answer').inputFields[0].name).toBe('file');
  });

  it('accepts and ignores a default value containing "]", quotes, commas or brackets', () => {
    const parsed = Signature.parse('tags: list[str] = [], note: str = "a, ]", pair: tuple[int, int] = (1, 2), d: dict[str, int] = {"k": [1]} -> answer');
    expect(parsed.inputFields.map((field) => [field.name, field.annotation])).toEqual([
      ['tags', 'list[str]'],
      ['note', 'str'],
      ['pair', 'tuple[int, int]'],
      ['d', 'dict[str, int]'],
    ]);
  });

  it.each([
    ['q: int = -> a', 7],
    ['q: int = [1, 2 -> a', 9],
    ['q: int = (] -> a', 10],
    ["q: str = 'abc -> a", 9],
  ])('refuses the malformed default in %p at position %p', (text, position) => {
    expect(() => Signature.parse(text)).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID', position }));
  });

  it('refuses whitespace Python does not allow between parameters (\\x1c, U+00A0, U+FEFF)', () => {
    for (const space of ['\x1c', '\u00a0', '\ufeff', '\u2028']) {
      expect(() => Signature.parse(`${space}question -> answer`)).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
    }
    expect(Signature.parse('question\f,\r\n context -> answer: list[\n int]').fields.map((field) => field.name)).toEqual(['question', 'context', 'answer']);
  });
});

describe('tuple[...] and set[...] types', () => {
  it.each([
    ['tuple', 'tuple', { type: 'array', items: {} }],
    ['tuple[int, str]', 'tuple[int, str]', { type: 'array', maxItems: 2, minItems: 2, prefixItems: [{ type: 'integer' }, { type: 'string' }] }],
    ['Tuple[int, ...]', 'tuple[int, Ellipsis]', { type: 'array', items: { type: 'integer' } }],
    ['set[int]', 'set[int]', { type: 'array', items: { type: 'integer' }, uniqueItems: true }],
    ['FrozenSet[str]', 'frozenset[str]', { type: 'array', items: { type: 'string' }, uniqueItems: true }],
    ['set[str] | None', 'Union[set[str], NoneType]', { anyOf: [{ type: 'array', items: { type: 'string' }, uniqueItems: true }, { type: 'null' }] }],
  ])('prints %p as %p with its JSON schema', (spelled, annotation, schema) => {
    const field = Signature.parse(`q -> a: ${spelled}`).outputFields[0];
    expect(field.annotation).toBe(annotation);
    expect(jsonSchemaOf(field.type)).toEqual(schema);
  });

  it.each(['tuple[int, str, ...]', 'tuple[..., int]', 'list[...]', 'set[int, str]'])('refuses %p', (spelled) => {
    expect(() => Signature.parse(`q -> a: ${spelled}`)).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
  });

  it('keeps tuple, set and list types apart in unions', () => {
    expect(Signature.parse('q -> a: tuple[int] | set[int] | list[int] | tuple[int, ...] | tuple[int]').outputFields[0].annotation).toBe(
      'Union[tuple[int], set[int], list[int], tuple[int, Ellipsis]]',
    );
  });
});
