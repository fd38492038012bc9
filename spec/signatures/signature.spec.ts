import { InputField, OutputField } from '../../lib/decorators/field';
import { Signature, signature } from '../../lib/signatures/signature';
import { annotationName } from '../../lib/signatures/field-types';
import { inferPrefix } from '../../lib/signatures/infer-prefix';

describe('Signature.parse', () => {
  it('parses inputs and outputs in order with types', () => {
    const parsed = Signature.parse('context: list[str], question -> answer: int');
    expect(parsed.inputFields.map((field) => field.name)).toEqual(['context', 'question']);
    expect(parsed.outputFields.map((field) => field.name)).toEqual(['answer']);
    expect(parsed.fields.map((field) => field.annotation)).toEqual(['list[str]', 'str', 'int']);
    expect(parsed.toString()).toBe('context, question -> answer');
  });

  it('derives DSPy default instructions, descriptions and prefixes', () => {
    const parsed = signature('question, context -> final_answer');
    expect(parsed.instructions).toBe('Given the fields `question`, `context`, produce the fields `final_answer`.');
    expect(parsed.field('final_answer')).toMatchObject({ desc: '${final_answer}', prefix: 'Final Answer:' });
  });

  it('keeps given instructions after removing common indentation', () => {
    const parsed = Signature.parse('q -> a', '\n    Answer briefly.\n      Be kind.\n  ');
    expect(parsed.instructions).toBe('Answer briefly.\n  Be kind.');
  });

  it('prints types as DSPy does, Optional as Union with NoneType', () => {
    const parsed = Signature.parse("a: Optional[int], b: dict[str, list[float]], c: Literal['yes', 'no'], d: int | None, e: bool -> f");
    expect(parsed.inputFields.map((field) => annotationName(field.type))).toEqual([
      'Union[int, NoneType]',
      'dict[str, list[float]]',
      "Literal['yes', 'no']",
      'Union[int, NoneType]',
      'bool',
    ]);
  });

  it('accepts an empty input side', () => {
    expect(Signature.parse('-> answer').inputFields).toHaveLength(0);
  });

  it.each([
    ['question answer', 'SIGNATURE_INVALID', 15],
    ['a -> b -> c', 'SIGNATURE_INVALID', 7],
    ['a, a -> b', 'SIGNATURE_INVALID', 3],
    ['a -> a', 'SIGNATURE_INVALID', 5],
    ['question -> answer: integr', 'SIGNATURE_INVALID', 20],
    ['question, -> answer', 'SIGNATURE_INVALID', 9],
    ['a: list[int -> b', 'SIGNATURE_INVALID', undefined],
    ['a b -> c', 'SIGNATURE_INVALID', 0],
    ['a: Optional[int, str] -> b', 'SIGNATURE_INVALID', 3],
  ])('rejects %p with a positioned SignatureError', (text, code, position) => {
    let caught: unknown;
    try {
      Signature.parse(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code, name: 'SignatureError' });
    if (position !== undefined) expect((caught as { position: number }).position).toBe(position);
    else expect(typeof (caught as { position: number }).position).toBe('number');
  });

  it('caches parsed text so repeated parses return the same immutable instance', () => {
    expect(Signature.parse('x -> y')).toBe(Signature.parse('x -> y'));
    expect(Object.isFrozen(Signature.parse('x -> y').fields)).toBe(true);
  });

  it('does not keep a long text in the parse cache', () => {
    const long = `${'x'.repeat(5_000)} -> y`;
    expect(Signature.parse(long)).not.toBe(Signature.parse(long));
    expect(Signature.parse(long).equals(Signature.parse(long))).toBe(true);
  });
});

describe('new Signature', () => {
  it('takes signature text, as DSPy\'s Signature("question -> answer") does', () => {
    const made = new Signature('question, k: int -> answer: float', 'Answer briefly.');
    expect(made.equals(Signature.parse('question, k: int -> answer: float', 'Answer briefly.'))).toBe(true);
    expect(made.fields.map((field) => `${field.name}: ${field.annotation}`)).toEqual(['question: str', 'k: int', 'answer: float']);
  });

  it.each([
    ['a number', 42],
    ['an object', { question: 'str' }],
    ['an array of names', ['question', 'answer']],
  ])('rejects %s with SIGNATURE_INVALID instead of a TypeError', (_, fields) => {
    expect(() => new Signature(fields as never)).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_INVALID', message: expect.stringContaining('signature text or an array of Field objects') }),
    );
  });

  it('rejects instructions that are not text', () => {
    expect(() => new Signature('q -> a', 7 as never)).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_INVALID', message: expect.stringContaining('Instructions must be a string') }),
    );
  });

  it('rejects malformed text as Signature.parse does', () => {
    expect(() => new Signature('question answer')).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
  });
});

describe('Signature editing', () => {
  const base = Signature.parse('question -> answer');

  it('prepends and appends within the right section', () => {
    const edited = base.prepend('reasoning', { kind: 'output' }).append('context', { kind: 'input', desc: 'facts' }, 'list[str]');
    expect(edited.fields.map((field) => field.name)).toEqual(['question', 'context', 'reasoning', 'answer']);
    expect(edited.field('context')).toMatchObject({ desc: 'facts', annotation: 'list[str]' });
    expect(base.fields).toHaveLength(2);
  });

  it('inserts at negative indexes counting from the end', () => {
    const edited = Signature.parse('a, b -> c').insert(-2, 'x', { kind: 'input' });
    expect(edited.inputFields.map((field) => field.name)).toEqual(['a', 'x', 'b']);
  });

  it('rejects an out-of-range index and a duplicate name', () => {
    expect(() => base.insert(5, 'x', { kind: 'input' })).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
    expect(() => base.append('answer', { kind: 'output' })).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
  });

  it('deletes fields, ignoring unknown names', () => {
    expect(base.delete('answer').toString()).toBe('question -> ');
    expect(base.delete('nope')).toBe(base);
  });

  it('replaces instructions and keeps fields', () => {
    const edited = base.withInstructions('Be terse.');
    expect(edited.instructions).toBe('Be terse.');
    expect(edited.fields).toEqual(base.fields);
  });

  it('compares like DSPy: instructions and field metadata, not types or order', () => {
    expect(Signature.parse('a: int, b -> c').equals(Signature.parse('b, a -> c'))).toBe(false);
    expect(Signature.parse('a: int, b -> c').equals(Signature.parse('a, b -> c'))).toBe(true);
    expect(base.equals(base.withInstructions('x'))).toBe(false);
  });

  it('dumps and loads state positionally', () => {
    const state = base.withUpdatedFields('answer', { desc: 'short answer' }).dumpState();
    expect(state).toEqual({
      instructions: 'Given the fields `question`, produce the fields `answer`.',
      fields: [
        { prefix: 'Question:', description: '${question}' },
        { prefix: 'Answer:', description: 'short answer' },
      ],
    });
    const loaded = base.loadState({ instructions: 'New.', fields: [{ prefix: 'Q:', description: 'the question' }] });
    expect(loaded.instructions).toBe('New.');
    expect(loaded.field('question')).toMatchObject({ prefix: 'Q:', desc: 'the question' });
    expect(loaded.field('answer')).toMatchObject({ prefix: 'Answer:' });
  });

  it('rejects malformed state with STATE_INVALID', () => {
    expect(() => base.loadState({ fields: 3 } as never)).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
  });
});

describe('class-form signatures', () => {
  class Sentiment extends Signature {
    static instructions = 'Classify the sentiment of the review.';
    @InputField({ desc: 'a movie review' }) text!: string;
    @OutputField({ desc: 'overall polarity', type: "Literal['positive', 'negative', 'neutral']" }) sentiment!: string;
    @OutputField() confidence!: number;
  }

  it('reads fields, types and instructions from decorators', () => {
    const resolved = Signature.from(Sentiment);
    expect(resolved.instructions).toBe('Classify the sentiment of the review.');
    expect(resolved.fields.map((field) => [field.name, field.kind, field.annotation, field.desc])).toEqual([
      ['text', 'input', 'str', 'a movie review'],
      ['sentiment', 'output', "Literal['positive', 'negative', 'neutral']", 'overall polarity'],
      ['confidence', 'output', 'float', '${confidence}'],
    ]);
  });

  it('inherits fields and instructions; a subclass adds fields without changing the parent', () => {
    class Detailed extends Sentiment {
      @OutputField({ desc: 'why' }) rationale!: string;
    }
    expect(Signature.from(Detailed).outputFields.map((field) => field.name)).toEqual(['sentiment', 'confidence', 'rationale']);
    expect(Signature.from(Detailed).instructions).toBe('Classify the sentiment of the review.');
    expect(Signature.from(Sentiment).outputFields).toHaveLength(2);
  });

  it('also builds an instance with new', () => {
    expect(new Sentiment().toString()).toBe('text -> sentiment, confidence');
  });

  it('rejects things that are not signatures', () => {
    expect(() => Signature.from(42 as never)).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
  });
});

describe('inferPrefix', () => {
  it.each([
    ['question', 'Question'],
    ['reasoning_steps', 'Reasoning Steps'],
    ['htmlText', 'Html Text'],
    ['text2number', 'Text 2 Number'],
    ['isValid', 'Is Valid'],
    ['HTMLParser', 'HTML Parser'],
  ])('turns %p into %p as DSPy does', (name, prefix) => {
    expect(inferPrefix(name)).toBe(prefix);
  });
});
