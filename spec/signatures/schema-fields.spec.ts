import { z } from 'zod';
import { ChatAdapter, DummyLM, InputField, OutputField, Predict, Signature, signature } from 'dspex';

/** A Standard Schema without JSON Schema support, as a hand-written validator would be. */
const evenNumber = {
  '~standard': {
    version: 1 as const,
    vendor: 'spec',
    validate: async (value: unknown) =>
      typeof value === 'number' && value % 2 === 0 ? { value } : { issues: [{ message: 'must be an even number', path: [] }] },
  },
};

describe('signature(inputs, outputs, instructions?) — the object form', () => {
  it('names simple schema types as DSPy names Python types', () => {
    const triage = signature(
      { message: z.string(), notes: { type: 'list[str]', desc: 'earlier notes' } },
      { category: z.enum(['billing', 'technical']), confidence: z.number().min(0).max(1), count: z.number().int(), urgent: z.boolean(), summary: 'str' },
      'Route the message.',
    );
    expect(triage.instructions).toBe('Route the message.');
    expect(triage.fields.map((field) => [field.name, field.kind, field.annotation])).toEqual([
      ['message', 'input', 'str'],
      ['notes', 'input', 'list[str]'],
      ['category', 'output', "Literal['billing', 'technical']"],
      ['confidence', 'output', 'float'],
      ['count', 'output', 'int'],
      ['urgent', 'output', 'bool'],
      ['summary', 'output', 'str'],
    ]);
    expect(triage.field('notes')?.desc).toBe('earlier notes');
  });

  it('shows the JSON Schema of an object schema in the prompt', () => {
    const extract = signature({ text: z.string() }, { person: z.object({ name: z.string(), age: z.number().int() }) });
    const [system] = new ChatAdapter().format(extract, [], { text: 'Ada, 36' });
    expect(system.content).toContain(
      '{person}        # note: the value you produce must adhere to the JSON schema: {"type": "object", "additionalProperties": false, "properties": {"age": {"type": "integer", "maximum": 9007199254740991, "minimum": -9007199254740991}, "name": {"type": "string"}}, "required": ["name", "age"]}',
    );
  });

  it('takes a jsonSchema option for a schema that cannot produce one', () => {
    const sig = signature({ q: 'str' }, { n: { schema: evenNumber, jsonSchema: { type: 'integer', multipleOf: 2 } } });
    expect(sig.field('n')?.annotation).toBe('int');
    expect(signature({ q: 'str' }, { n: evenNumber }).field('n')?.annotation).toBe('Any');
  });

  it('rejects malformed field specs with SIGNATURE_INVALID', () => {
    expect(() => signature({ 'not a name': 'str' }, { a: 'str' })).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
    expect(() => signature({ q: 3 as never }, { a: 'str' })).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
    expect(() => signature({ q: { schema: z.string(), type: 'str' } }, { a: 'str' })).toThrow(/not both/);
    expect(() => signature({ q: { tpye: 'str' } as never }, { a: 'str' })).toThrow(/unknown key/);
    expect(() => signature({ q: 'str' }, { q: 'str' })).toThrow(/both an input and an output/);
    expect(() => signature({ q: 'integr' }, { a: 'str' })).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
  });
});

describe('Standard Schema validation of outputs (Adapter.call)', () => {
  const triage = signature({ message: z.string() }, { category: z.enum(['billing', 'technical']), confidence: z.number().min(0).max(1) });

  it('parses and validates a schema-typed output', async () => {
    const lm = new DummyLM([{ category: 'billing', confidence: '0.9' }]);
    const prediction = await new Predict(triage).forward({ message: 'I was charged twice' }, { lm });
    expect(prediction.category).toBe('billing');
    expect(prediction.confidence).toBe(0.9);
  });

  it('fails with OUTPUT_INVALID listing the issues', async () => {
    const lm = new DummyLM([
      { category: 'billing', confidence: '7' },
      { category: 'billing', confidence: '7' },
    ]);
    const failure = new Predict(triage).forward({ message: 'x' }, { lm });
    await expect(failure).rejects.toMatchObject({
      code: 'OUTPUT_INVALID',
      details: { field: 'confidence', issues: [{ message: expect.stringMatching(/<=1|less than or equal to 1/), path: [] }] },
    });
  });

  it('awaits async validators and applies transforms', async () => {
    const lm = new DummyLM([{ n: '4', word: 'Hello' }]);
    const sig = signature(
      { q: 'str' },
      { n: { schema: evenNumber, jsonSchema: { type: 'integer' } }, word: z.string().transform((text) => text.toUpperCase()) },
    );
    const prediction = await new Predict(sig).forward({ q: 'x' }, { lm });
    expect(prediction.n).toBe(4);
    expect(prediction.word).toBe('HELLO');
    const odd = new DummyLM([
      { n: '3', word: 'a' },
      { n: '3', word: 'a' },
    ]);
    await expect(new Predict(sig).forward({ q: 'x' }, { lm: odd })).rejects.toMatchObject({
      code: 'OUTPUT_INVALID',
      details: { issues: [{ message: 'must be an even number' }] },
    });
  });

  it('validates nested object schemas with paths', async () => {
    const sig = signature({ text: 'str' }, { person: z.object({ name: z.string(), age: z.number().int().positive() }) });
    const good = new DummyLM([{ person: '{"name": "Ada", "age": 36}' }]);
    expect((await new Predict(sig).forward({ text: 'Ada, 36' }, { lm: good })).person).toEqual({ name: 'Ada', age: 36 });
    const bad = new DummyLM([{ person: '{"name": "Ada", "age": -1}' }, { person: '{"name": "Ada", "age": -1}' }]);
    await expect(new Predict(sig).forward({ text: 'Ada' }, { lm: bad })).rejects.toMatchObject({
      code: 'OUTPUT_INVALID',
      details: { issues: [{ path: ['age'] }] },
    });
  });
});

describe('class-form fields', () => {
  it('take a schema option', async () => {
    class Triage extends Signature {
      @InputField() message!: string;
      @OutputField({ schema: z.enum(['billing', 'technical']) }) category!: 'billing' | 'technical';
    }
    expect(Signature.from(Triage).field('category')?.annotation).toBe("Literal['billing', 'technical']");
    const lm = new DummyLM([{ category: 'sales' }, { category: 'sales' }]);
    await expect(new Predict(Triage).forward({ message: 'x' }, { lm })).rejects.toMatchObject({ code: expect.stringMatching(/ADAPTER_PARSE|OUTPUT_INVALID/) });
  });

  it('reject a field without type, schema or design:type, naming emitDecoratorMetadata and the type option', () => {
    class NoMetadata extends Signature {}
    InputField()(NoMetadata.prototype, 'question');
    expect(() => Signature.from(NoMetadata)).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_INVALID', message: expect.stringMatching(/emitDecoratorMetadata[\s\S]*type: 'str'/) }),
    );
    class Typed extends Signature {}
    InputField({ type: 'str' })(Typed.prototype, 'question');
    expect(Signature.from(Typed).field('question')?.annotation).toBe('str');
  });

  it('reject a reflected Array or Object, showing the spelling to write', () => {
    class Tags extends Signature {
      @OutputField() tags!: string[];
    }
    expect(() => Signature.from(Tags)).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_INVALID', message: expect.stringContaining("@OutputField({ type: 'list[str]' })") }),
    );
    class Nullable extends Signature {
      @OutputField() note!: string | null;
    }
    expect(() => Signature.from(Nullable)).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_INVALID', message: expect.stringContaining("type: 'Optional[str]'") }),
    );
  });

  it('reject a schema option that is not a Standard Schema', () => {
    expect(() => OutputField({ schema: { parse: () => 1 } as never })).toThrow(expect.objectContaining({ code: 'DECORATOR_MISUSE' }));
  });
});
