import { XmlFieldParser } from '../../lib/streaming/xml-field-parser';
import { XMLAdapter } from '../../lib/adapters/xml-adapter';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { Predict } from '../../lib/predict/predict';
import { Prediction } from '../../lib/primitives/prediction';
import { configure, resetSettings } from '../../lib/settings/settings';
import { StreamChunk } from '../../lib/streaming/stream-chunk';
import { streamify } from '../../lib/streaming/streamify';
import { type Emitted, joinedTexts, streamFields } from '../helpers/stream-pieces';

const parse = (pieces: string[], wanted: string[]): Emitted[] => streamFields(XmlFieldParser, pieces, wanted);

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
      expect(joinedTexts(out)).toEqual({ reasoning: 'a < b, so </reason> is text', answer: 'Paris' });
      expect(out.some((item) => /<\/?(answer|reasoning)>/.test(item.text))).toBe(false);
    }
  });

  it('ends an unclosed field with the reply', () => {
    expect(joinedTexts(parse(['<answer>Par', 'is'], ['answer']))).toEqual({ answer: 'Paris' });
  });

  it('streams references decoded, as the parsed field holds them, however the reply is cut', () => {
    const reply = '<answer>Tom &amp; Jerry &lt;3 &#233;t&#xE9; &bogus; a & b</answer>';
    const expected = 'Tom & Jerry <3 été &bogus; a & b';
    for (let point = 0; point <= reply.length; point += 1) {
      expect(joinedTexts(parse([reply.slice(0, point), reply.slice(point)], ['answer']))).toEqual({ answer: expected });
    }
    expect(joinedTexts(parse([...reply], ['answer']))).toEqual({ answer: expected });
  });

  it('is chosen for the XMLAdapter, whose replies stream decoded like its parse', async () => {
    configure({ lm: new DummyLM(['<answer>Tom &amp; Jerry</answer>'], { streamChunkSize: 3 }), adapter: new XMLAdapter() });
    const chunks: StreamChunk[] = [];
    let prediction: Prediction | undefined;
    for await (const item of streamify(new Predict('question -> answer'))({ question: 'q' })) {
      if (item instanceof StreamChunk) chunks.push(item);
      else if (item instanceof Prediction) prediction = item;
    }
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((chunk) => chunk.chunk).join('')).toBe('Tom & Jerry');
    expect(prediction?.answer).toBe('Tom & Jerry');
    expect(chunks[chunks.length - 1].isLast).toBe(true);
  });
});
