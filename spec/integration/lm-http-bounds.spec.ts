import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Embedder } from '../../lib/lm/embedder';
import { LM } from '../../lib/lm/lm';
import { LMCache } from '../../lib/lm/lm-cache';
import { completion, startOpenAIServer, type OpenAIServer } from '../helpers/openai-server';

const API_KEY = 'sk-echo-secret-0123456789';
const messages = [{ role: 'user' as const, content: 'Say something.' }];
const silent = pino({ level: 'silent' });

/** Streams an endless chunked body (no content-length) and counts the bytes it managed to send. */
async function startFloodServer(): Promise<{ baseURL: string; sent: () => number; close: () => Promise<void> }> {
  let sent = 0;
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const server: Server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"choices": [{"index": 0, "message": {"role": "assistant", "content": "');
    const pump = (): void => {
      // Stops at 64 MiB even if nobody hangs up, so a failing client cannot hang the spec.
      while (!response.destroyed && sent < 64 * 1024 * 1024) {
        sent += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      response.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    sent: () => sent,
    close: () => (server.closeAllConnections(), new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}

describe('LM HTTP bounds over real HTTP', () => {
  let server: OpenAIServer;
  let evil: OpenAIServer;

  beforeAll(async () => {
    [server, evil] = await Promise.all([startOpenAIServer(), startOpenAIServer()]);
  });
  afterEach(() => {
    server.reset();
    evil.reset();
  });
  afterAll(() => Promise.all([server.close(), evil.close()]));

  function makeLM(options: Record<string, unknown> = {}): LM {
    return new LM('openai/gpt-4o-mini', {
      apiKey: API_KEY,
      baseURL: server.baseURL,
      cacheStore: new LMCache({ directory: null }),
      retryBaseDelayMs: 0,
      logger: silent,
      ...options,
    });
  }

  it('never follows a redirect, so the key never reaches the other server', async () => {
    server.respond = () => ({ status: 307, headers: { location: `${evil.baseURL}/chat/completions` }, body: '' });
    await expect(makeLM().call(messages)).rejects.toMatchObject({ code: 'LM_HTTP', status: 307, details: { location: `${evil.baseURL}/chat/completions` } });
    const embedder = new Embedder('openai/text-embedding-3-small', {
      apiKey: API_KEY,
      baseURL: server.baseURL,
      cacheStore: new LMCache({ directory: null }),
      logger: silent,
    });
    await expect(embedder.embed(['x'])).rejects.toMatchObject({ code: 'LM_HTTP', status: 307 });
    expect(evil.requests).toHaveLength(0);
  });

  it('fails at once when Retry-After is beyond maxRetryAfterMs, without waiting', async () => {
    server.respond = () => ({ status: 429, headers: { 'retry-after': '3600' }, body: { error: { message: 'slow down' } } });
    await expect(makeLM({ numRetries: 5 }).call(messages)).rejects.toMatchObject({ code: 'LM_HTTP', status: 429, details: { retryAfterMs: 3_600_000 } });
    expect(server.requests).toHaveLength(1);
  });

  it('fails at once when Retry-After is beyond the call deadline, even under a large maxRetryAfterMs', async () => {
    server.respond = () => ({ status: 503, headers: { 'retry-after': '120' }, body: {} });
    await expect(makeLM({ numRetries: 1, timeoutMs: 10_000, maxRetryAfterMs: 600_000 }).call(messages)).rejects.toMatchObject({
      code: 'LM_HTTP',
      status: 503,
      details: { retryAfterMs: 120_000 },
    });
    expect(server.requests).toHaveLength(1);
  });

  it('aborts a chunked body larger than maxResponseBytes while it streams in', async () => {
    const flood = await startFloodServer();
    try {
      const lm = new LM('openai/gpt-4o-mini', {
        apiKey: API_KEY,
        baseURL: flood.baseURL,
        cache: false,
        numRetries: 0,
        maxResponseBytes: 1024 * 1024,
        logger: silent,
      });
      await expect(lm.call(messages)).rejects.toMatchObject({ code: 'LM_RESPONSE_INVALID', details: { maxResponseBytes: 1024 * 1024 } });
    } finally {
      await flood.close();
    }
    // The server could not push its 64 MiB: the client hung up soon after the limit.
    expect(flood.sent()).toBeLessThan(32 * 1024 * 1024);
  });

  it('refuses a declared content-length over the limit before reading it', async () => {
    server.respond = () => completion('y'.repeat(4_096));
    await expect(makeLM({ maxResponseBytes: 1_000 }).call(messages)).rejects.toMatchObject({ code: 'LM_RESPONSE_INVALID' });
  });

  it('scrubs a key the server echoes from outputs, history, inspectHistory and the cache, so a hit equals the live call', async () => {
    const headerSecret = 'hdr-token-abcdefgh';
    server.respond = (request) =>
      completion(`you sent ${String(request.headers.authorization)} and ${String(request.headers['x-auth-token'])}`, { model: `model-${API_KEY}` });
    const lm = makeLM({ headers: { 'x-auth-token': headerSecret } });
    const live = await lm.call([{ role: 'user', content: `my key is ${API_KEY}` }]);
    const hit = await lm.call([{ role: 'user', content: `my key is ${API_KEY}` }]);
    expect(live.outputs).toEqual(['you sent Bearer [redacted] and [redacted]']);
    expect(hit).toMatchObject({ cacheHit: true, outputs: live.outputs, response: live.response, responseModel: live.responseModel });
    const everything = JSON.stringify([live, hit, lm.history]) + lm.inspectHistory(2);
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain(headerSecret);
    expect(server.requests).toHaveLength(1);
  });
});
