import pino from 'pino';
import { LM } from '../../lib/lm/lm';
import { LMCache } from '../../lib/lm/lm-cache';
import { Predict } from '../../lib/predict/predict';
import { Prediction } from '../../lib/primitives/prediction';
import { configure, resetSettings } from '../../lib/settings/settings';
import { StreamChunk } from '../../lib/streaming/stream-chunk';
import { streamify } from '../../lib/streaming/streamify';
import { sseChat, startOpenAIServer, type OpenAIServer } from '../helpers/openai-server';

const silent = pino({ level: 'silent' });

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function answerText(items: readonly unknown[]): string {
  return items
    .filter((item): item is StreamChunk => item instanceof StreamChunk && item.field === 'answer')
    .map((item) => item.chunk)
    .join('');
}

/** A ChatAdapter reply cut mid-marker, as a model's tokens fall. */
const PIECES = ['[[ ## ans', 'wer ## ]]\nThe capi', 'tal is Par', 'is.\n\n[[ #', '# completed ## ]]'];

describe('streamify over an LM streaming server-sent events', () => {
  let server: OpenAIServer;
  let lm: LM;

  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  beforeEach(() => {
    lm = new LM('openai/gpt-4o-mini', {
      apiKey: 'sk-test-0123456789',
      baseURL: server.baseURL,
      cacheStore: new LMCache({ directory: null }),
      logger: silent,
      retryBaseDelayMs: 0,
    });
    configure({ lm });
  });
  afterEach(() => {
    server.reset();
    resetSettings();
  });
  afterAll(() => server.close());

  it('streams the answer without the markers, records the call once, and caches it', async () => {
    server.script(sseChat(PIECES, { usage: { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 } }));
    const program = streamify(new Predict('question -> answer'));
    const items = await collect(program({ question: 'Capital of France?' }));
    expect(answerText(items)).toBe('The capital is Paris.');
    expect(items.filter((item) => item instanceof StreamChunk).length).toBeGreaterThan(1);
    expect((items[items.length - 1] as Prediction).answer).toBe('The capital is Paris.');
    expect(server.requests[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(lm.history).toHaveLength(1);
    expect(lm.usage.totalTokens).toBe(29);

    const again = await collect(program({ question: 'Capital of France?' }));
    expect(again.filter((item) => item instanceof StreamChunk)).toEqual([new StreamChunk('self', 'answer', 'The capital is Paris.', true)]);
    expect(server.requests).toHaveLength(1);
  });

  it('closes the HTTP stream when the reader leaves after the first chunk', async () => {
    server.script(sseChat(PIECES, { end: 'hang' }));
    for await (const item of streamify(new Predict('question -> answer'))({ question: 'q' })) {
      expect(item).toEqual(new StreamChunk('self', 'answer', 'The capi', false));
      break;
    }
    await server.requests[0].closed;
    expect(lm.history).toHaveLength(0);
  });

  it('rejects with the caller reason and closes the HTTP stream when the signal aborts mid-stream', async () => {
    server.script(sseChat(PIECES, { end: 'hang' }));
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const run = async (): Promise<void> => {
      for await (const item of streamify(new Predict('question -> answer'))({ question: 'q' }, { signal: controller.signal })) {
        if (item instanceof StreamChunk) controller.abort(reason);
      }
    };
    await expect(run()).rejects.toBe(reason);
    await server.requests[0].closed;
  });

  it('rejects with a typed LM error when the connection breaks mid-stream, after the chunks before it', async () => {
    server.script(sseChat(PIECES.slice(0, 3), { end: 'drop' }));
    const seen: unknown[] = [];
    const run = async (): Promise<void> => {
      for await (const item of streamify(new Predict('question -> answer'))({ question: 'q' })) seen.push(item);
    };
    await expect(run()).rejects.toMatchObject({ code: 'LM_HTTP', status: 0 });
    expect(answerText(seen)).toBe('The capital is Par');
    expect(server.requests).toHaveLength(1);
  });
});
