import fc from 'fast-check';
import { JsonFieldParser } from '../../lib/streaming/json-field-parser';
import { assertProperty } from '../helpers/property-check';
import { type Emitted, cutAt, joinedTexts, streamFields } from '../helpers/stream-pieces';

const parse = (pieces: string[], wanted: string[]): Emitted[] => streamFields(JsonFieldParser, pieces, wanted);

const REPLY = '```json\n{\n  "reasoning": "Say \\"hi\\"\\n\\u00e9t\\u00e9",\n  "answer": 42,\n  "tags": ["a", "}"]\n}\n```';

describe('JsonFieldParser', () => {
  it('streams string values decoded and other values as JSON text, each ending with its value', () => {
    expect(parse([REPLY], ['reasoning', 'answer', 'tags'])).toEqual([
      { field: 'reasoning', text: 'Say "hi"\nété', isLast: true },
      { field: 'answer', text: '42', isLast: true },
      { field: 'tags', text: '["a", "}"]', isLast: true },
    ]);
  });

  it('gives the same texts for a key, escape or value split at every position', () => {
    for (let point = 0; point <= REPLY.length; point += 1) {
      const out = parse([REPLY.slice(0, point), REPLY.slice(point)], ['reasoning', 'answer', 'tags']);
      expect(joinedTexts(out)).toEqual({ reasoning: 'Say "hi"\nété', answer: '42', tags: '["a", "}"]' });
      for (const field of ['reasoning', 'answer', 'tags']) {
        const items = out.filter((item) => item.field === field);
        expect(items.findIndex((item) => item.isLast)).toBe(items.length - 1);
      }
    }
  });

  it('never shows keys or quotes, one character at a time', () => {
    const out = parse([...'{"answer": "Paris", "next": 1}'], ['answer']);
    expect(out.map((item) => item.text)).toEqual(['P', 'a', 'r', 'i', 's', '']);
    expect(out[out.length - 1].isLast).toBe(true);
  });

  it('stops streaming, closing the open field, when the reply stops being JSON', () => {
    expect(parse(["{'answer': 'Paris'}"], ['answer'])).toEqual([]);
    expect(parse(['{"answer": "Paris", \'x\': 5, "reasoning": "r"}'], ['answer', 'reasoning'])).toEqual([{ field: 'answer', text: 'Paris', isLast: true }]);
    expect(parse(['{"answer": "Par', 'is" 5}'], ['answer'])).toEqual([
      { field: 'answer', text: 'Par', isLast: false },
      { field: 'answer', text: 'is', isLast: true },
    ]);
  });

  it('streams a field once, and nothing after the object closes', () => {
    expect(joinedTexts(parse(['{"answer": "a", "answer": "b"} {"answer": "c"}'], ['answer']))).toEqual({ answer: 'a' });
  });

  it('joins each string field up to its value, and other values up to their JSON, however the reply is cut', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
      fc.constant(null),
      fc.boolean(),
    );
    const reply = fc.record({ answer: value, reasoning: fc.string({ maxLength: 30 }), other: value });
    assertProperty(
      fc.property(reply, fc.constantFrom(0, 2), fc.constantFrom('', '```json\n'), fc.array(fc.nat(), { maxLength: 10 }), (object, indent, fence, cuts) => {
        const text = fence + JSON.stringify(object, null, indent);
        const texts = joinedTexts(parse(cutAt(text, cuts), ['answer', 'reasoning']));
        expect(texts.reasoning).toBe(object.reasoning);
        if (typeof object.answer === 'string') expect(texts.answer).toBe(object.answer);
        else expect(JSON.parse(texts.answer)).toEqual(object.answer);
      }),
      500,
    );
  });
});
