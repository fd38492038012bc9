import fc from 'fast-check';
import { SseDecoder, type SseEvent } from '../../lib/lm/sse-decoder';
import { assertProperty } from '../helpers/property-check';
import { cutAt } from '../helpers/stream-pieces';

const tooLarge = (): Error => new RangeError('too large');

function decode(chunks: string[], maxEventChars = 1_000_000): SseEvent[] {
  const decoder = new SseDecoder(maxEventChars, tooLarge);
  const events: SseEvent[] = [];
  for (const chunk of chunks) decoder.push(chunk, events);
  decoder.end(events);
  return events;
}

describe('SseDecoder', () => {
  it('joins data lines with newlines, reads the event type, and skips comments and other fields', () => {
    const text = ': ping\n\nevent: error\ndata: {"a":\ndata:1}\nid: 7\nretry: 10\n\ndata\n\ndata: x\n\n';
    expect(decode([text])).toEqual([
      { event: 'error', data: '{"a":\n1}' },
      { event: 'message', data: '' },
      { event: 'message', data: 'x' },
    ]);
  });

  it('dispatches a last event that lacks its blank line when the stream ends', () => {
    expect(decode(['data: [DONE]'])).toEqual([{ event: 'message', data: '[DONE]' }]);
  });

  it('throws the given error for a line past the bound, even sent one character at a time', () => {
    expect(() => decode([...'data: 0123456789'], 10)).toThrow(RangeError);
  });

  it('throws the given error for an event of many short lines past the bound', () => {
    expect(() => decode(['data: 1234\n'.repeat(5)], 20)).toThrow(RangeError);
  });

  it('decodes the same events however the stream is cut, whatever the line ends', () => {
    const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
    const field = fc.oneof(
      fc.string({ maxLength: 12 }).map((value) => `data: ${value.replace(/[\r\n]/g, '')}`),
      fc.constant(': comment'),
      fc.constant('event: delta'),
      fc.constant(''),
    );
    const stream = fc.array(fc.tuple(field, lineEnd), { maxLength: 30 }).map((lines) => lines.map(([line, end]) => line + end).join(''));
    assertProperty(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), (text, cuts) => {
        expect(decode(cutAt(text, cuts))).toEqual(decode([text]));
      }),
      300,
    );
  });
});
