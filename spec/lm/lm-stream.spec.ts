import pino from 'pino';
import { LM, type LMOptions } from '../../lib/lm/lm';
import { LMCache } from '../../lib/lm/lm-cache';
import type { ChatMessage } from '../../lib/lm/chat-message';
import type { LMStreamItem } from '../../lib/lm/lm-stream-item';
import { runWithStreamSink, type StreamReceiver } from '../../lib/lm/stream-sink';
import { completion, serverError, sseChat, startOpenAIServer, type OpenAIServer } from '../helpers/openai-server';

const API_KEY = 'sk-test-secret-0123456789';
const messages: ChatMessage[] = [{ role: 'user', content: 'Capital of France?' }];
const silent = pino({ level: 'silent' });

async function collect(items: AsyncIterable<LMStreamItem>): Promise<LMStreamItem[]> {
  const out: LMStreamItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A receiver that records the pieces of each streamed call. */
function recorder(): { pieces: string[]; ends: number; sink: () => StreamReceiver } {
  const state = { pieces: [] as string[], ends: 0, sink: (): StreamReceiver => receiver };
  const receiver: StreamReceiver = {
    text: (piece) => void state.pieces.push(piece),
    end: () => void (state.ends += 1),
  };
  return state;
}

describe('LM.stream', () => {
  let server: OpenAIServer;

  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  function makeLM(options: LMOptions = {}): LM {
    return new LM('openai/gpt-4o-mini', {
      apiKey: API_KEY,
      baseURL: server.baseURL,
      cacheStore: new LMCache({ directory: null }),
      retryBaseDelayMs: 0,
      logger: silent,
      ...options,
    });
  }

  it('yields the text pieces in order (holding back only a tail that may start the API key), then the usage', async () => {
    server.script(sseChat(['Lon', 'don', '!'], { usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } }));
    const items = await collect(makeLM().stream(messages, {}));
    expect(items).toEqual([
      'Lon',
      'don',
      '!',
      { usage: { promptTokens: 7, completionTokens: 3, totalTokens: 10 }, cost: undefined, responseModel: 'test-model-2024' },
    ]);
  });

  it('asks for a stream with usage, and accepts an event stream', async () => {
    server.script(sseChat(['ok']));
    await collect(makeLM().stream(messages, { temperature: 0.2 }));
    expect(server.requests[0].body).toEqual({
      model: 'gpt-4o-mini',
      messages,
      temperature: 0.2,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(server.requests[0].headers.accept).toBe('text/event-stream');
  });

  it('leaves stream_options to the caller when streamOptions is set (null sends none)', async () => {
    server.script(sseChat(['ok'], { usage: null }));
    const items = await collect(makeLM().stream(messages, { streamOptions: null }));
    expect(server.requests[0].body).not.toHaveProperty('stream_options');
    expect(items).toEqual(['ok', { usage: undefined, cost: undefined, responseModel: 'test-model-2024' }]);
  });

  it('reads CRLF and CR line ends split across chunks, and skips comments', async () => {
    const chunk = (content: string): string => JSON.stringify({ choices: [{ index: 0, delta: { content } }] });
    const finish = JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    server.script({
      headers: { 'content-type': 'text/event-stream' },
      sse: { writes: [': keep-alive\r\n\r\n', `data: ${chunk('a')}\r`, `\n\r\ndata: ${chunk('b')}\r\r`, `data:${finish}\n\n`, 'data: [DONE]\n\n'] },
    });
    expect(await collect(makeLM().stream(messages, {}))).toEqual(['a', 'b']);
  });

  it('retries a server error before the first byte', async () => {
    server.script(serverError(503), sseChat(['hi']));
    const items = await collect(makeLM().stream(messages, {}));
    expect(items[0]).toBe('hi');
    expect(server.requests).toHaveLength(2);
  });

  it('fails with LM_HTTP status 0, unretried, when the connection drops mid-stream', async () => {
    server.script(sseChat(['one ', 'two'], { end: 'drop' }), sseChat(['never']));
    const seen: LMStreamItem[] = [];
    const run = async (): Promise<void> => {
      for await (const item of makeLM().stream(messages, {})) seen.push(item);
    };
    await expect(run()).rejects.toMatchObject({ code: 'LM_HTTP', status: 0, details: { midStream: true } });
    expect(seen).toEqual(['one ', 'two']);
    expect(server.requests).toHaveLength(1);
  });

  it('fails with LM_RESPONSE_INVALID for an error event mid-stream', async () => {
    server.script({
      headers: { 'content-type': 'text/event-stream' },
      sse: { writes: [`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'x' } }] })}\n\n`, 'data: {"error":{"message":"overloaded"}}\n\n'] },
    });
    await expect(collect(makeLM().stream(messages, {}))).rejects.toMatchObject({
      code: 'LM_RESPONSE_INVALID',
      details: { serverError: { message: 'overloaded' } },
    });
  });

  it('fails with LM_RESPONSE_INVALID for an event that is not JSON', async () => {
    server.script({ headers: { 'content-type': 'text/event-stream' }, sse: { writes: ['data: {"choices": [\n\n'] } });
    await expect(collect(makeLM().stream(messages, {}))).rejects.toMatchObject({ code: 'LM_RESPONSE_INVALID' });
  });

  it('fails with LM_RESPONSE_INVALID when the stream ends without finish_reason or [DONE]', async () => {
    server.script({
      headers: { 'content-type': 'text/event-stream' },
      sse: { writes: [`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'half' } }] })}\n\n`] },
    });
    await expect(collect(makeLM().stream(messages, {}))).rejects.toMatchObject({ code: 'LM_RESPONSE_INVALID' });
  });

  it('closes the stream when one line passes the event bound, however it is split', async () => {
    const long = 'x'.repeat(5000);
    server.script({ headers: { 'content-type': 'text/event-stream' }, sse: { writes: ['data: ', ...long.match(/.{1,100}/g)!, '\n\n'], end: 'hang' } });
    await expect(collect(makeLM({ maxResponseBytes: 4096 }).stream(messages, {}))).rejects.toMatchObject({ code: 'LM_RESPONSE_INVALID' });
    await server.requests[0].closed;
  });

  it('closes the stream when the whole body passes maxResponseBytes', async () => {
    server.script(
      sseChat(
        Array.from({ length: 200 }, () => 'piece'),
        { end: 'hang' },
      ),
    );
    await expect(collect(makeLM({ maxResponseBytes: 4096 }).stream(messages, {}))).rejects.toMatchObject({ code: 'LM_RESPONSE_INVALID' });
    await server.requests[0].closed;
  });

  it('rejects with the caller reason and closes the connection when aborted mid-stream', async () => {
    server.script(sseChat(['first', 'second'], { end: 'hang' }));
    const controller = new AbortController();
    const reason = new Error('user left');
    const seen: LMStreamItem[] = [];
    const run = async (): Promise<void> => {
      for await (const item of makeLM().stream(messages, { signal: controller.signal })) {
        seen.push(item);
        controller.abort(reason);
      }
    };
    await expect(run()).rejects.toBe(reason);
    expect(seen).toEqual(['first']);
    await server.requests[0].closed;
  });

  it('closes the connection when the consumer stops early', async () => {
    server.script(sseChat(['first', 'second'], { end: 'hang' }));
    for await (const item of makeLM().stream(messages, {})) {
      expect(item).toBe('first');
      break;
    }
    await server.requests[0].closed;
  });

  it('reads a plain JSON completion as one piece when the server ignores stream: true', async () => {
    server.script(completion('Paris'));
    const items = await collect(makeLM().stream(messages, {}));
    expect(items).toEqual(['Paris', { usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 }, cost: undefined, responseModel: 'test-model-2024' }]);
  });

  it('scrubs the API key even when the server splits it across pieces', async () => {
    server.script(sseChat(['key: sk-te', 'st-secret-01', '23456789 done']));
    const items = await collect(makeLM().stream(messages, {}));
    const text = items.filter((item): item is string => typeof item === 'string').join('');
    expect(text).toBe('key: [redacted] done');
  });

  describe('call() under a stream sink', () => {
    it('passes each piece on, records history and usage once, and caches the whole reply', async () => {
      server.script(sseChat(['Ro', 'me'], { usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } }));
      const lm = makeLM();
      const first = recorder();
      const output = await runWithStreamSink(first.sink, () => lm.call(messages));
      expect(first.pieces).toEqual(['Ro', 'me']);
      expect(first.ends).toBe(1);
      expect(output.outputs).toEqual(['Rome']);
      expect(lm.history).toHaveLength(1);
      expect(lm.history[0]).toMatchObject({ outputs: ['Rome'], usage: { promptTokens: 4, completionTokens: 2, totalTokens: 6 } });
      expect(lm.usage.totalTokens).toBe(6);

      const again = recorder();
      const cached = await runWithStreamSink(again.sink, () => lm.call(messages));
      expect(again.pieces).toEqual(['Rome']);
      expect(cached.cacheHit).toBe(true);
      expect(server.requests).toHaveLength(1);
      expect(await lm.call(messages)).toMatchObject({ outputs: ['Rome'], cacheHit: true });
    });

    it('neither caches nor records a stream that fails', async () => {
      server.script(sseChat(['Pa'], { end: 'drop' }), sseChat(['Paris']));
      const lm = makeLM();
      await expect(runWithStreamSink(recorder().sink, () => lm.call(messages))).rejects.toMatchObject({ code: 'LM_HTTP' });
      expect(lm.history).toHaveLength(0);
      expect(await runWithStreamSink(recorder().sink, () => lm.call(messages))).toMatchObject({ outputs: ['Paris'] });
      expect(server.requests).toHaveLength(2);
    });

    it('makes a plain request when the sink declines the call', async () => {
      server.script(completion('plain'));
      const output = await runWithStreamSink(
        () => undefined,
        () => makeLM().call(messages),
      );
      expect(output.outputs).toEqual(['plain']);
      expect(server.requests[0].body).not.toHaveProperty('stream');
    });
  });
});
