import fc from 'fast-check';
import { ChatAdapter, DspexError, JSONAdapter, Signature } from '../../lib';
import { assertProperty, isPrototypeClean, onlyDspexErrors, prototypeSnapshot } from '../helpers/property-check';

const RUNS = 1_000;

const SIGNATURES = [
  'question -> answer',
  'question -> answer: int',
  'question -> answer: float',
  'question -> answer: bool',
  'question -> answer: list[int]',
  'question -> answer: dict[str, Any]',
  'question -> answer: Optional[int]',
  "question -> answer: Literal['a', 'b']",
  'question -> answer: Union[int, str]',
  'question -> answer: Any',
  'question -> answer: list[dict[str, list[float]]], note: Optional[str]',
].map((text) => Signature.parse(text));

// Fragments of both reply formats plus what breaks readers: headers, braces, quotes, Python words, line breaks.
const FRAGMENTS = [
  '[[ ## answer ## ]]',
  '[[ ## note ## ]]',
  '[[ ## completed ## ]]',
  '[[ ## ',
  ' ## ]]',
  '\n',
  '\r\n',
  '\r',
  '\u2028',
  '\x1c',
  ' ',
  '   ',
  'é',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '"',
  "'",
  ':',
  ',',
  '"answer"',
  '"note"',
  '"__proto__"',
  "'__proto__'",
  '"constructor"',
  'True',
  'None',
  'NaN',
  '-Infinity',
  '1',
  '-2',
  '1.5e3',
  '1_000',
  '.5',
  '7777777777',
  'yes',
  'a',
  'b',
  '```',
  '```json\n',
  '\\',
  '\\u00e9',
  '\\x',
];

const fragmentReply = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((parts) => parts.join(''));
const jsonReply = fc.tuple(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3 })).map(([answer, note]) => JSON.stringify({ answer, note }));
const chatReply = fc.jsonValue({ maxDepth: 4 }).map((answer) => `[[ ## answer ## ]]\n${JSON.stringify(answer)}\n\n[[ ## completed ## ]]`);
const deepReply = fc.tuple(fc.integer({ min: 90, max: 400 }), fc.constantFrom('[', '{"a": ')).map(([depth, open]) => {
  const close = open === '[' ? ']' : '}';
  return `{"answer": ${open.repeat(depth)}1${close.repeat(depth)}}`;
});
const reply = fc.oneof(fragmentReply, jsonReply, chatReply, deepReply, fc.string({ maxLength: 300, unit: 'binary' }));

function checkParse(adapter: ChatAdapter | JSONAdapter, signatureIndex: number, text: string, snapshot: string): void {
  const signature = SIGNATURES[signatureIndex];
  const result = onlyDspexErrors(() => adapter.parse(signature, text));
  if (DspexError.is(result)) {
    expect(['ADAPTER_PARSE', 'OUTPUT_INVALID']).toContain(result.code);
  } else {
    expect(Object.keys(result)).toEqual(signature.outputFields.map((field) => field.name));
  }
  expect(isPrototypeClean(snapshot)).toBe(true);
}

describe('ChatAdapter.parse (property)', () => {
  it(`returns the output fields or throws AdapterParseError for any reply (${RUNS} runs)`, () => {
    const snapshot = prototypeSnapshot();
    const adapter = new ChatAdapter();
    assertProperty(
      fc.property(fc.nat({ max: SIGNATURES.length - 1 }), reply, (index, text) => checkParse(adapter, index, text, snapshot)),
      RUNS,
    );
  });
});

describe('JSONAdapter.parse (property)', () => {
  it(`returns the output fields or throws AdapterParseError for any reply (${RUNS} runs)`, () => {
    const snapshot = prototypeSnapshot();
    const adapter = new JSONAdapter();
    assertProperty(
      fc.property(fc.nat({ max: SIGNATURES.length - 1 }), reply, (index, text) => checkParse(adapter, index, text, snapshot)),
      RUNS,
    );
  });

  it(`keeps every key of a dict output as an own key, "__proto__" included (${RUNS} runs)`, () => {
    const signature = Signature.parse('question -> answer: dict[str, Any]');
    const keys = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'), fc.string({ maxLength: 8 }));
    assertProperty(
      fc.property(fc.uniqueArray(keys, { maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), (names, value) => {
        const text = `{"answer": {${names.map((name) => `${JSON.stringify(name)}: ${JSON.stringify(value)}`).join(', ')}}}`;
        const answer = new JSONAdapter().parse(signature, text).answer as Record<string, unknown>;
        expect(Object.getPrototypeOf(answer)).toBe(Object.prototype);
        expect(Object.keys(answer)).toEqual(Object.keys(JSON.parse(text).answer as object));
      }),
      RUNS,
    );
  });
});
