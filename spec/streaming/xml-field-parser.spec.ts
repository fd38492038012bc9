import { XmlFieldParser } from '../../lib/streaming/xml-field-parser';
import { Adapter } from '../../lib/adapters/adapter';
import { ChatAdapter } from '../../lib/adapters/chat-adapter';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { Predict } from '../../lib/predict/predict';
import { configure, resetSettings } from '../../lib/settings/settings';
import { StreamChunk } from '../../lib/streaming/stream-chunk';
import { streamify } from '../../lib/streaming/streamify';

interface Emitted {
  field: string;
  text: string;
  isLast: boolean;
}

function parse(pieces: string[], wanted: string[]): Emitted[] {
  const out: Emitted[] = [];
  const parser = new XmlFieldParser(new Set(wanted), (field, text, isLast) => out.push({ field, text, isLast }));
  for (const piece of pieces) parser.push(piece);
  parser.finish();
  return out;
}

function joined(out: Emitted[]): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const { field, text } of out) texts[field] = (texts[field] ?? '') + text;
  return texts;
}

const REPLY = 'Sure.\n<reasoning>\n a < b, so </reason> is text\n</reasoning>\n<answer>Paris</answer>';

afterEach(() => resetSettings());

describe('XmlFieldParser', () => {
  it('streams the text between a field’s tags, stripped, without the tags', () => {
    expect(parse([REPLY], ['reasoning', 'answer'])).toEqual([
      { field: 'reasoning', text: 'a < b, so </reason> is text', isLast: true },
      { field: 'answer', text: 'Paris', isLast: true },
    ]);
  });

  it('gives the same texts for a tag split at every position', () => {
    for (let point = 0; point <= REPLY.length; point += 1) {
      const out = parse([REPLY.slice(0, point), REPLY.slice(point)], ['reasoning', 'answer']);
      expect(joined(out)).toEqual({ reasoning: 'a < b, so </reason> is text', answer: 'Paris' });
      expect(out.some((item) => /<\/?(answer|reasoning)>/.test(item.text))).toBe(false);
    }
  });

  it('ends an unclosed field with the reply', () => {
    expect(joined(parse(['<answer>Par', 'is'], ['answer']))).toEqual({ answer: 'Paris' });
  });

  it('is chosen for an adapter of class XMLAdapter (a ChatAdapter subclass)', async () => {
    class XMLAdapter extends ChatAdapter {
      override parse(): Record<string, unknown> {
        return { answer: 'Paris' };
      }
    }
    const adapter: Adapter = new XMLAdapter();
    configure({ lm: new DummyLM(['<answer>Paris</answer>'], { streamChunkSize: 3 }), adapter });
    const chunks: StreamChunk[] = [];
    for await (const item of streamify(new Predict('question -> answer'))({ question: 'q' })) if (item instanceof StreamChunk) chunks.push(item);
    expect(chunks.map((chunk) => chunk.chunk).join('')).toBe('Paris');
    expect(chunks[chunks.length - 1].isLast).toBe(true);
  });
});
