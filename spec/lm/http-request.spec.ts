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
      apiKey: 'sk-http-secret',
      headers: {},
      secrets: ['sk-http-secret'],
      numRetries: 3,
      timeoutMs: 5_000,
      maxResponseBytes: 10 * 1024 * 1024,
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

describe('postJson bounds', () => {
  let server: OpenAIServer;
  let elsewhere: OpenAIServer;
  let delays: number[];

  beforeAll(async () => {
    [server, elsewhere] = await Promise.all([startOpenAIServer(), startOpenAIServer()]);
  });
  beforeEach(() => {
    delays = [];
  });
  afterEach(() => {
    server.reset();
    elsewhere.reset();
  });
  afterAll(() => Promise.all([server.close(), elsewhere.close()]));

  function settings(overrides: Partial<HttpSettings> = {}): HttpSettings {
    return {
      baseURL: server.baseURL,
      apiKey: 'sk-http-secret',
      headers: { 'x-api-token': 'token-secret-123' },
      secrets: ['token-secret-123', 'sk-http-secret'],
      numRetries: 3,
      timeoutMs: 5_000,
      maxResponseBytes: 1024,
      retry: { baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 60_000, random: () => 0, now: Date.now },
      sleep: async (delayMs) => {
        delays.push(delayMs);
      },
      credentialsHint: 'set the key',
      logger: pino({ level: 'silent' }),
      ...overrides,
    };
  }

  it.each([301, 302, 307, 308])('does not follow a %i redirect: LM_HTTP naming the location, and the other server sees nothing', async (status) => {
    const location = `${elsewhere.baseURL}/chat/completions`;
    server.script({ status, headers: { location }, body: '' });
    const error = await postJson(settings(), '/chat/completions', { model: 'm' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'LM_HTTP', status, details: { location } });
    expect((error as Error).message).toContain(location);
    expect(server.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('fails at once with the server status and retryAfterMs when Retry-After exceeds maxRetryAfterMs', async () => {
    server.script(rateLimited('3600'));
    await expect(postJson(settings(), '/chat/completions', {})).rejects.toMatchObject({ code: 'LM_HTTP', status: 429, details: { retryAfterMs: 3_600_000 } });
    expect(delays).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('fails at once when Retry-After exceeds the time the call has left (timeoutMs × attempts left)', async () => {
    server.script({ status: 503, headers: { 'retry-after': '5' }, body: {} });
    await expect(postJson(settings({ timeoutMs: 1_000, numRetries: 2 }), '/chat/completions', {})).rejects.toMatchObject({
      code: 'LM_HTTP',
      status: 503,
      details: { retryAfterMs: 5_000 },
    });
    expect(delays).toEqual([]);
  });

  it('waits a Retry-After within both budgets', async () => {
    server.script(rateLimited('2'), completion('ok'));
    await postJson(settings({ timeoutMs: 1_000, numRetries: 2 }), '/chat/completions', {});
    expect(delays).toEqual([2_000]);
  });

  it('refuses a body over maxResponseBytes with LM_RESPONSE_INVALID', async () => {
    server.script({ body: { text: 'x'.repeat(2_000) } });
    await expect(postJson(settings(), '/chat/completions', {})).rejects.toMatchObject({ code: 'LM_RESPONSE_INVALID', details: { maxResponseBytes: 1024 } });
  });

  it('scrubs the key and credential headers a server echoes, in replies and in errors', async () => {
    server.script({ body: { echoed: 'key sk-http-secret and Token-secret-123? token-secret-123', 'sk-http-secret': 1 } });
    await expect(postJson(settings(), '/chat/completions', {})).resolves.toEqual({
      echoed: 'key [redacted] and Token-secret-123? [redacted]',
      '[redacted]': 1,
    });
    server.script({ status: 400, body: { error: 'bad key sk-http-secret' } }, { status: 302, headers: { location: 'http://x/?key=sk-http-secret' }, body: '' });
    for (let index = 0; index < 2; index += 1) {
      const error = (await postJson(settings(), '/chat/completions', {}).catch((caught: unknown) => caught)) as Error & { details: unknown };
      expect(`${error.message} ${JSON.stringify(error.details)}`).not.toMatch(/sk-http-secret/);
    }
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
