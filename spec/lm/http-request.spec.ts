import pino from 'pino';
import { postJson, sleep, type HttpSettings } from '../../lib/lm/http-request';
import { completion, rateLimited, serverError, startOpenAIServer, type OpenAIServer } from '../helpers/openai-server';

describe('postJson', () => {
  let server: OpenAIServer;
  let delays: number[];

  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  beforeEach(() => {
    delays = [];
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  function settings(overrides: Partial<HttpSettings> = {}): HttpSettings {
    return {
      baseURL: server.baseURL,
      apiKey: 'sk-http',
      headers: {},
      numRetries: 3,
      timeoutMs: 5_000,
      retry: { baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000, random: () => 0, now: Date.now },
      // Records the backoff instead of waiting it out.
      sleep: async (delayMs) => {
        delays.push(delayMs);
      },
      credentialsHint: 'set the key',
      logger: pino({ level: 'silent' }),
      ...overrides,
    };
  }

  it("waits what the server's Retry-After asks", async () => {
    server.script(rateLimited('2'), rateLimited('0.25'), completion('ok'));
    await postJson(settings(), '/chat/completions', { model: 'm' });
    expect(delays).toEqual([2_000, 250]);
  });

  it('backs off exponentially without Retry-After', async () => {
    server.script(serverError(), serverError(), serverError(), completion('ok'));
    await postJson(settings(), '/chat/completions', { model: 'm' });
    expect(delays).toEqual([500, 1_000, 2_000]);
  });

  it('does not wait after the last attempt', async () => {
    server.script(serverError(), serverError());
    await expect(postJson(settings({ numRetries: 1 }), '/chat/completions', {})).rejects.toMatchObject({ code: 'LM_HTTP', status: 500 });
    expect(delays).toEqual([500]);
  });

  it('returns the parsed JSON body', async () => {
    server.script({ body: { hello: 'world' } });
    await expect(postJson(settings(), '/anything', {})).resolves.toEqual({ hello: 'world' });
  });

  it('keeps a short excerpt of the error body', async () => {
    server.script({ status: 400, body: 'x'.repeat(5_000) });
    const error = await postJson(settings(), '/chat/completions', {}).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'LM_HTTP', status: 400 });
    expect((error as { details: { bodyExcerpt: string } }).details.bodyExcerpt.length).toBeLessThanOrEqual(301);
  });
});

describe('sleep', () => {
  it("rejects with the caller's reason when aborted while waiting", async () => {
    const controller = new AbortController();
    const reason = new Error('stop waiting');
    const waiting = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });

  it('resolves after the delay', async () => {
    await expect(sleep(0, undefined)).resolves.toBeUndefined();
  });
});
