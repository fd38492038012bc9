import { IsInt, IsString, Max, Min } from 'class-validator';
import { ChatAdapter } from '../../lib/adapters/chat-adapter';
import { Example } from '../../lib/primitives/example';
import { Signature } from '../../lib/signatures/signature';
import { parseError } from '../helpers/parse-error';

class Person {
  @IsString() name!: string;
  @IsInt() @Min(0) @Max(150) age!: number;
}

describe('ChatAdapter.parse', () => {
  const adapter = new ChatAdapter();

  it('reads every output section of a normal reply', () => {
    const signature = Signature.parse('question -> reasoning, answer');

    const result = adapter.parse(signature, '[[ ## reasoning ## ]]\nTwo and two.\n\n[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]');

    expect(result).toEqual({ reasoning: 'Two and two.', answer: '4' });
  });

  it('ignores preamble text before the first marker and does not require the completed marker', () => {
    const result = adapter.parse('question -> answer', 'Sure, here it is.\n[[ ## answer ## ]]\n  Paris  \n');

    expect(result).toEqual({ answer: 'Paris' });
  });

  it('keeps the first section when a field appears twice', () => {
    const result = adapter.parse('question -> answer', '[[ ## answer ## ]]\nfirst\n\n[[ ## answer ## ]]\nsecond');

    expect(result).toEqual({ answer: 'first' });
  });

  it('takes text after the marker on the same line, even when the line is indented', () => {
    const result = adapter.parse('question -> answer', '  [[ ## answer ## ]] Paris\nis the capital');

    expect(result).toEqual({ answer: 'Paris\nis the capital' });
  });

  it('keeps multi-line values and ignores sections for inputs and unknown names', () => {
    const result = adapter.parse('question -> answer', '[[ ## question ## ]]\nq\n[[ ## notes ## ]]\nn\n[[ ## answer ## ]]\nline 1\n\nline 2');

    expect(result).toEqual({ answer: 'line 1\n\nline 2' });
  });

  it('returns outputs in signature order whatever the reply order', () => {
    const result = adapter.parse('question -> a, b', '[[ ## b ## ]]\n2\n[[ ## a ## ]]\n1');

    expect(Object.keys(result)).toEqual(['a', 'b']);
  });

  it('throws ADAPTER_PARSE naming the missing fields', () => {
    const error = parseError(() => adapter.parse('question -> reasoning, answer', '[[ ## reasoning ## ]]\nhmm'));

    expect(error).toMatchObject({ code: 'ADAPTER_PARSE', fields: ['answer'] });
  });

  it('throws ADAPTER_PARSE naming every output when the reply has no markers', () => {
    const error = parseError(() => adapter.parse('question -> reasoning, answer', 'The answer is 4.'));

    expect(error.fields).toEqual(['reasoning', 'answer']);
  });

  it('sets a missing Optional output to null', () => {
    const result = adapter.parse('question -> answer, confidence: Optional[float]', '[[ ## answer ## ]]\nyes');

    expect(result).toEqual({ answer: 'yes', confidence: null });
  });

  it('converts typed outputs: int, float, bool, list, dict, Literal', () => {
    const signature = Signature.parse("q -> count: int, score: float, ok: bool, tags: list[str], sizes: dict[str, int], label: Literal['yes', 'no']");
    const reply = [
      '[[ ## count ## ]]\n42',
      '[[ ## score ## ]]\n0.75',
      '[[ ## ok ## ]]\nTrue',
      "[[ ## tags ## ]]\n['a', 'b']",
      '[[ ## sizes ## ]]\n{"small": 1, "large": "3"}',
      "[[ ## label ## ]]\n'yes'",
    ].join('\n\n');

    const result = adapter.parse(signature, reply);

    expect(result).toEqual({ count: 42, score: 0.75, ok: true, tags: ['a', 'b'], sizes: { small: 1, large: 3 }, label: 'yes' });
  });

  it('throws ADAPTER_PARSE naming the field whose value does not fit its type', () => {
    const error = parseError(() => adapter.parse('q -> answer, count: int', '[[ ## answer ## ]]\nx\n[[ ## count ## ]]\nmany'));

    expect(error).toMatchObject({ code: 'ADAPTER_PARSE', fields: ['count'] });
  });

  it('validates a class-typed output with class-validator', () => {
    const signature = Signature.parse('text -> answer').append('person', { kind: 'output', type: { kind: 'class', ctor: Person, name: 'Person' } });

    const result = adapter.parse(signature, '[[ ## answer ## ]]\nok\n[[ ## person ## ]]\n{"name": "Ada", "age": 36}');

    expect(result.person).toBeInstanceOf(Person);
    expect(result.person).toEqual(Object.assign(new Person(), { name: 'Ada', age: 36 }));
  });

  it('throws OUTPUT_INVALID listing the broken constraints of a class-typed output', () => {
    const signature = Signature.parse('text -> person').withUpdatedFields('person', { type: { kind: 'class', ctor: Person, name: 'Person' } });

    expect(() => adapter.parse(signature, '[[ ## person ## ]]\n{"name": "Ada", "age": 200}')).toThrow(
      expect.objectContaining({
        code: 'OUTPUT_INVALID',
        details: expect.objectContaining({ field: 'person', problems: [{ property: 'age', constraints: [expect.any(String)] }] }),
      }),
    );
  });

  it('throws ADAPTER_PARSE when a class-typed output is not JSON', () => {
    const signature = Signature.parse('text -> person').withUpdatedFields('person', { type: { kind: 'class', ctor: Person, name: 'Person' } });

    const error = parseError(() => adapter.parse(signature, '[[ ## person ## ]]\nAda, 36 years old'));

    expect(error.fields).toEqual(['person']);
  });
});

describe('ChatAdapter.formatFieldsBlock', () => {
  it('writes marker blocks without the completed marker, lists and objects as JSON', () => {
    const text = new ChatAdapter().formatFieldsBlock({ answer: 'Paris', tags: ['a', 'b'], extra: { x: 1 }, ok: false });

    expect(text).toBe('[[ ## answer ## ]]\nParis\n\n[[ ## tags ## ]]\n["a", "b"]\n\n[[ ## extra ## ]]\n{"x": 1}\n\n[[ ## ok ## ]]\nFalse');
  });

  it('round-trips through parse', () => {
    const adapter = new ChatAdapter();
    const signature = Signature.parse('q -> answer, count: int, tags: list[str]');
    const values = { answer: 'Paris', count: 3, tags: ['a', 'b'] };

    expect(adapter.parse(signature, adapter.formatFieldsBlock(values))).toEqual(values);
  });
});

describe('ChatAdapter.format details', () => {
  it('omits inputs that are not supplied and writes a null input as None', () => {
    const messages = new ChatAdapter().format('a, b, c -> answer', [], { a: null, c: 'x' });

    expect(messages[1].content.startsWith('[[ ## a ## ]]\nNone\n\n[[ ## c ## ]]\nx\n\nRespond')).toBe(true);
  });

  it('writes a null output of an incomplete demo as None and a missing last output without trailing space', () => {
    const signature = Signature.parse('question -> reasoning, answer');
    const messages = new ChatAdapter().format(signature, [new Example({ question: 'q', reasoning: null })], { question: 'x' });

    expect(messages[2]).toEqual({
      role: 'assistant',
      content: '[[ ## reasoning ## ]]\nNone\n\n[[ ## answer ## ]]\nNot supplied for this particular example.\n\n[[ ## completed ## ]]\n',
    });
  });

  it('writes a list given to a list[str] input as JSON', () => {
    const signature = Signature.parse('context: list[str], question -> answer');
    const messages = new ChatAdapter().format(signature, [], { context: ['a', 'b'], question: 'q' });

    expect(messages[1].content.split('\n\nRespond')[0]).toBe('[[ ## context ## ]]\n["a", "b"]\n\n[[ ## question ## ]]\nq');
  });

  it('writes a list given to an untyped input as a numbered list', () => {
    const messages = new ChatAdapter().format('context, question -> answer', [], { context: ['a', 'b'], question: 'q' });

    expect(messages[1].content.split('\n\nRespond')[0]).toBe('[[ ## context ## ]]\n[1] «a»\n[2] «b»\n\n[[ ## question ## ]]\nq');
  });
});
