import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IsInt, IsString } from 'class-validator';
import { XMLAdapter } from '../../lib/adapters/xml-adapter';
import type { ChatMessage } from '../../lib/lm/chat-message';
import { Example } from '../../lib/primitives/example';
import type { FieldType } from '../../lib/signatures/field-types';
import { Signature } from '../../lib/signatures/signature';

interface GoldenFixture {
  source: string;
  messages: ChatMessage[];
}

interface ParseCase {
  signature: string;
  completion: string;
  result?: Record<string, unknown>;
  error?: string;
}

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, '../fixtures/adapters', name), 'utf8')) as T;
}

const golden = (name: string): ChatMessage[] => fixture<GoldenFixture>(name).messages;

class Person {
  @IsString() name!: string;
  @IsInt() age!: number;
}

const PERSON: FieldType = Object.freeze({ kind: 'class', ctor: Person, name: 'Person' });

/** DSPy's `Extract` signature of the fixtures: text -> people: list[Person], lead: Person, note: str. */
function extractSignature(lead: FieldType = PERSON): Signature {
  return Signature.parse('text -> note', 'Find the people.')
    .withUpdatedFields('text', { desc: 'a paragraph' })
    .prepend('lead', { kind: 'output' }, lead)
    .prepend('people', { kind: 'output', desc: 'everyone named' }, { kind: 'list', item: PERSON });
}

describe('XMLAdapter.format (DSPy golden prompts)', () => {
  it('matches DSPy for question -> answer: int with one complete demo', () => {
    const messages = new XMLAdapter().format('question -> answer: int', [new Example({ question: 'What is 1+1?', answer: 2 })], { question: 'What is 2+2?' });

    expect(messages).toEqual(golden('xml-example-1.json'));
  });

  it('escapes & and < in str outputs of demos and orders incomplete demos first', () => {
    const signature = Signature.parse('question -> answer').prepend('reasoning', { kind: 'output' });
    const demos = [
      new Example({ question: 'Is 3 < 5 & 5 < 7?', reasoning: '3 < 5 and 5 < 7 & so <both> hold.', answer: 'yes & <b>no</b>' }),
      new Example({ question: 'What is 3+3?', answer: '6' }),
      new Example({ question: 'Only an input, so this demo is dropped' }),
    ];

    const messages = new XMLAdapter().format(signature, demos, { question: 'Is 2 < 1?' });

    expect(messages).toEqual(golden('xml-example-2.json'));
  });

  it('writes list and dict outputs as nested XML, with <entry key> for keys that are not tag names', () => {
    const signature = Signature.parse(
      'document, hints: list[str] -> tags: list[str], counts: dict[str, int], year: Optional[int], best: Optional[list[str]], scores: list[float], meta: dict[str, Any], flag: bool',
      'Extract facts.\n\tBe precise.',
    );
    const demo = new Example({
      document: 'Doc A',
      hints: ['one', 'two'],
      tags: ['x & y', '<z>'],
      counts: { 'a-b': 1, 'c.d': 2, 'e f': 3, '': 4, '1x': 5, ok: 6 },
      year: null,
      best: [],
      scores: [1.0, 2.5],
      meta: { k: null, n: [1, { q: 'r' }], t: true, o: {} },
      flag: false,
    });

    const messages = new XMLAdapter().format(signature, [demo], { document: 'Doc B', hints: ['alpha'] });

    expect(messages).toEqual(golden('xml-example-3.json'));
  });

  it('outlines class outputs from their properties', () => {
    const demo = new Example({ text: 'Ann is 30.', people: [{ name: 'Ann', age: 30 }], note: 'a & b' });

    const messages = new XMLAdapter().format(extractSignature(), [demo], { text: 'Bob is 4 & Cy is 5.' });

    expect(messages).toEqual(golden('xml-example-4.json'));
  });

  it('keeps the empty input section of a signature without inputs', () => {
    expect(new XMLAdapter().format('-> answer', [], {})).toEqual(golden('xml-example-5.json'));
  });
});

describe('XMLAdapter.parse (DSPy golden replies)', () => {
  const cases = fixture<{ cases: ParseCase[] }>('xml-parse.json').cases;
  const adapter = new XMLAdapter();
  const signatureOf = (text: string): Signature =>
    text === 'Extract'
      ? extractSignature({ kind: 'union', members: [PERSON, { kind: 'none' }] })
          .delete('note')
          .delete('text')
          .prepend('text', { kind: 'input' })
      : Signature.parse(text);

  it.each(cases.filter((entry) => entry.result !== undefined).map((entry) => [entry.signature, entry.completion, entry.result] as const))(
    'parses %s from %j',
    (signature, completion, result) => {
      const parsed = adapter.parse(signatureOf(signature), completion);

      expect(JSON.parse(JSON.stringify(parsed))).toEqual(result);
    },
  );

  // A class value that breaks its class-validator constraints is OUTPUT_INVALID in dspex (pydantic's ValidationError in DSPy).
  it.each(cases.filter((entry) => entry.error !== undefined).map((entry) => [entry.signature, entry.completion] as const))(
    'rejects %s from %j',
    (signature, completion) => {
      const code = signature === 'Extract' ? 'OUTPUT_INVALID' : 'ADAPTER_PARSE';

      expect(() => adapter.parse(signatureOf(signature), completion)).toThrow(expect.objectContaining({ code }));
    },
  );
});
