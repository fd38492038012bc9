import { IsInt, IsString, Min } from 'class-validator';
import { JSONAdapter } from '../../lib/adapters/json-adapter';
import { Example } from '../../lib/primitives/example';
import { Signature } from '../../lib/signatures/signature';
import { parseError } from '../helpers/parse-error';

class Item {
  @IsString() label!: string;
  @IsInt() @Min(1) quantity!: number;
}

describe('JSONAdapter.parse', () => {
  const adapter = new JSONAdapter();

  it('reads a JSON object reply and drops keys that are not outputs', () => {
    const result = adapter.parse('question -> answer, count: int', '{"answer": "Paris", "count": 3, "extra": true}');

    expect(result).toEqual({ answer: 'Paris', count: 3 });
  });

  it('finds the object embedded in surrounding text', () => {
    const result = adapter.parse('question -> answer: int', 'Here you go:\n```json\n{"answer": "7"}\n```\nAnything else?');

    expect(result).toEqual({ answer: 7 });
  });

  it('accepts Python spellings inside the object, reading None as DSPy does', () => {
    // json_repair reads a bare None as the text "None": Optional[str] keeps it, Optional[int] reads it as None.
    const result = adapter.parse('q -> ok: bool, note: Optional[str], year: Optional[int]', "{'ok': True, 'note': None, 'year': None}");

    expect(result).toEqual({ ok: true, note: 'None', year: null });
  });

  it.each([
    ['a missing closing bracket', '{"answer": "Paris", "tags": ["a", "b"', { answer: 'Paris', tags: ['a', 'b'] }],
    ['a missing closing quote', '{"tags": [], "answer": "Paris', { answer: 'Paris', tags: [] }],
    ['single quotes', "{'answer': 'it\\'s', 'tags': ['x']}", { answer: "it's", tags: ['x'] }],
    ['trailing commas', '{"answer": "a", "tags": ["1", "2",],}', { answer: 'a', tags: ['1', '2'] }],
    ['Python literals', '{"answer": "a", "tags": [], "ok": True, "note": None}', { answer: 'a', tags: [], ok: true, note: null }],
    ['text around the object', 'Sure! {"answer": "a", "tags": []} Hope that helps.', { answer: 'a', tags: [] }],
    ['unquoted keys and values', '{answer: Paris, tags: []}', { answer: 'Paris', tags: [] }],
    ['a code fence and a comment', '```json\n{"answer": "a", // the answer\n "tags": []}\n```', { answer: 'a', tags: [] }],
  ])('repairs %s as DSPy (json_repair) does', (_name, reply, expected) => {
    const signature = 'q -> answer, tags: list[str], ok: Optional[bool], note: Optional[int]';
    const result = adapter.parse(signature, reply);

    expect(result).toEqual({ ok: null, note: null, ...expected });
  });

  it('keeps strict cases strict: a reply with no object is refused', () => {
    expect(parseError(() => adapter.parse('q -> answer', 'The answer is Paris.')).code).toBe('ADAPTER_PARSE');
    expect(parseError(() => adapter.parse('q -> answer', "answer: 'Paris'")).code).toBe('ADAPTER_PARSE');
    expect(parseError(() => adapter.parse('q -> answer', '["answer", "Paris"]')).code).toBe('ADAPTER_PARSE');
  });

  it.each([
    ['the first object when it closes', '[1] {"answer": 4} {"other": 1}'],
    ['a later object when the first "{" never closes', '["{", 2] {"answer": 4} [3]'],
    ['a later object when an earlier "{" never closes', '[1, {] x {"answer": 4}'],
  ])("reads %s when the whole reply is not one object (DSPy's first balanced {…})", (_name, reply) => {
    expect(adapter.parse('q -> answer: int', reply)).toEqual({ answer: 4 });
  });

  it('reads a repeated object as an update, as json_repair does', () => {
    expect(adapter.parse('q -> answer', 'First {"answer": "draft"} then {"answer": "final"}')).toEqual({ answer: 'final' });
  });

  it.each([
    ['4.0', '4.0'],
    ['-0.0', '-0.0'],
    ['1e16', '1e+16'],
    ['1e-7', '1e-07'],
    ['0.1', '0.1'],
    ['12345678901234567890', '12345678901234567890'],
    ['[1.0, 2, true, null, "a"]', "[1.0, 2, True, None, 'a']"],
    ['{"k": 2.50}', "{'k': 2.5}"],
  ])("keeps Python's text for the JSON number %s in a str field", (json, text) => {
    expect(adapter.parse('q -> answer, count: int', `{"answer": ${json}, "count": 4.0}`)).toEqual({ answer: text, count: 4 });
  });

  it('writes a non-string value of a str field the way Python prints it', () => {
    const result = adapter.parse('q -> answer', '{"answer": 42}');

    expect(result).toEqual({ answer: '42' });
  });

  it('throws ADAPTER_PARSE when the reply holds no JSON object', () => {
    const error = parseError(() => adapter.parse('question -> answer', '["not", "an", "object"]'));

    expect(error).toMatchObject({ code: 'ADAPTER_PARSE', fields: ['answer'] });
  });

  it('throws ADAPTER_PARSE naming a missing required output', () => {
    const error = parseError(() => adapter.parse('q -> answer, count: int', '{"answer": "x"}'));

    expect(error.fields).toEqual(['count']);
  });

  it('sets a missing Optional output to null', () => {
    const result = adapter.parse('q -> answer, year: Optional[int]', '{"answer": "x"}');

    expect(result).toEqual({ answer: 'x', year: null });
  });

  it('throws ADAPTER_PARSE naming a value that does not fit its type', () => {
    const error = parseError(() => adapter.parse('q -> count: int', '{"count": "lots"}'));

    expect(error.fields).toEqual(['count']);
  });

  it('validates class-typed outputs, including items of a list', () => {
    const signature = Signature.parse('q -> answer').withUpdatedFields('answer', { type: { kind: 'list', item: { kind: 'class', ctor: Item, name: 'Item' } } });

    expect(() => adapter.parse(signature, '{"answer": [{"label": "a", "quantity": 2}, {"label": "b", "quantity": 0}]}')).toThrow(
      expect.objectContaining({
        code: 'OUTPUT_INVALID',
        details: expect.objectContaining({ problems: [{ property: '[1].quantity', constraints: [expect.any(String)] }] }),
      }),
    );
  });
});

describe('JSONAdapter.format details', () => {
  it('answers demos with 2-space JSON, missing outputs as the not-supplied text, floats as Python floats', () => {
    const signature = Signature.parse('question -> answer, score: float');
    const demos = [new Example({ question: 'q1', answer: 'a1', score: 2 }), new Example({ question: 'q2', score: 0.5 })];

    const messages = new JSONAdapter().format(signature, demos, { question: 'q3' });

    expect(messages.slice(1, 5)).toEqual([
      { role: 'user', content: 'This is an example of the task, though some input or output fields are not supplied.\n\n[[ ## question ## ]]\nq2' },
      { role: 'assistant', content: '{\n  "answer": "Not supplied for this particular example. ",\n  "score": 0.5\n}' },
      { role: 'user', content: '[[ ## question ## ]]\nq1' },
      { role: 'assistant', content: '{\n  "answer": "a1",\n  "score": 2.0\n}' },
    ]);
  });

  it('writes non-finite floats in demos as null, never Infinity or NaN', () => {
    const signature = Signature.parse('question -> score: float, scores: list[float]');
    const demos = [new Example({ question: 'q1', score: Infinity, scores: [NaN, -Infinity, 1] })];

    const messages = new JSONAdapter().format(signature, demos, { question: 'q2' });

    expect(messages[2].content).toBe('{\n  "score": null,\n  "scores": [\n    null,\n    null,\n    1.0\n  ]\n}');
  });

  it('has no completed marker anywhere', () => {
    const messages = new JSONAdapter().format('question -> answer', [new Example({ question: 'q', answer: 'a' })], { question: 'x' });

    expect(messages.some((message) => message.content.includes('[[ ## completed ## ]]'))).toBe(false);
  });
});

describe('JSONAdapter.formatFieldsBlock', () => {
  it('writes the values as 2-space-indented JSON', () => {
    expect(new JSONAdapter().formatFieldsBlock({ answer: 'Paris', tags: ['a'], nested: { ok: true } })).toBe(
      '{\n  "answer": "Paris",\n  "tags": [\n    "a"\n  ],\n  "nested": {\n    "ok": true\n  }\n}',
    );
  });

  it('round-trips through parse', () => {
    const adapter = new JSONAdapter();
    const values = { answer: 'Paris', count: 3 };

    expect(adapter.parse('q -> answer, count: int', adapter.formatFieldsBlock(values))).toEqual(values);
  });
});
