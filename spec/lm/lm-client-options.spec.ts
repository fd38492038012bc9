import pino from 'pino';
import { Embedder } from '../../lib/lm/embedder';
import { LM, type LMOptions } from '../../lib/lm/lm';
import { LMCache } from '../../lib/lm/lm-cache';
import { Predict } from '../../lib/predict/predict';
import { startOpenAIServer, type OpenAIServer } from '../helpers/openai-server';

const silent = pino({ level: 'silent' });

describe('LM, Embedder and Predict config options', () => {
  let server: OpenAIServer;

  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  it.each([
    ['baseUrl', 'baseURL'],
    ['apikey', 'apiKey'],
    ['timeout', 'timeoutMs'],
    ['numRetrie', 'numRetries'],
    ['api_base', 'baseURL'],
    ['base_url', 'baseURL'],
    ['api_key', 'apiKey'],
    ['num_retries', 'numRetries'],
  ])('rejects %s on an LM with a did-you-mean of %s', (key, suggestion) => {
    const attempt = (): LM => new LM('openai/gpt-4o-mini', { [key]: 'sk-do-not-print-me' } as LMOptions);
    expect(attempt).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: expect.objectContaining({ option: key, suggestion }) }));
    expect(attempt).toThrow(new RegExp(`"${suggestion}"`));
    if (key.startsWith('api')) expect(attempt).not.toThrow(/sk-do-not-print-me/);
  });

  it.each([
    ['timeoutMs', 2 ** 31],
    ['timeoutMs', 0],
    ['timeoutMs', Number.NaN],
    ['retryBaseDelayMs', -1],
    ['maxRetryAfterMs', 2 ** 31],
    ['maxResponseBytes', 0],
    ['numRetries', 1.5],
    ['historySize', -1],
    ['historyMaxBytes', -1],
    ['logger', 'debug'],
    ['cacheStore', {}],
    ['cache', 'yes'],
  ])('rejects %s: %p with CONFIGURATION_INVALID', (option, value) => {
    expect(() => new LM('openai/gpt-4o-mini', { [option]: value } as LMOptions)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: expect.objectContaining({ option }) }),
    );
  });

  it('accepts the longest timer-safe duration, and Infinity for timeoutMs', () => {
    expect(() => new LM('openai/gpt-4o-mini', { timeoutMs: 2 ** 31 - 1, maxRetryAfterMs: 0, retryBaseDelayMs: 0 })).not.toThrow();
    expect(() => new LM('openai/gpt-4o-mini', { timeoutMs: Infinity })).not.toThrow();
  });

  it('sends other keys to the server as request parameters', async () => {
    const lm = new LM('openai/gpt-4o-mini', {
      baseURL: server.baseURL,
      apiKey: 'sk-x',
      cacheStore: new LMCache({ directory: null }),
      logger: silent,
      topP: 0.5,
      seed: 7,
      user: 'u-1',
      top_k: 3,
    } as LMOptions);
    await lm.call([{ role: 'user', content: 'hi' }]);
    expect(server.requests[0].body).toMatchObject({ top_p: 0.5, seed: 7, user: 'u-1', top_k: 3 });
  });

  it('validates Embedder options the same way and passes the rest to /embeddings', async () => {
    expect(() => new Embedder('openai/text-embedding-3-small', { baseUrl: server.baseURL } as never)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: expect.objectContaining({ suggestion: 'baseURL' }) }),
    );
    expect(() => new Embedder('openai/text-embedding-3-small', { batchSize: 0 })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: expect.objectContaining({ option: 'batchSize' }) }),
    );
    const embedder = new Embedder('openai/text-embedding-3-small', {
      baseURL: server.baseURL,
      apiKey: 'sk-x',
      cacheStore: new LMCache({ directory: null }),
      logger: silent,
      user: 'u-1',
    } as never);
    await embedder.embed(['a']);
    expect(server.requests[0].body).toEqual({ user: 'u-1', model: 'text-embedding-3-small', input: ['a'] });
    await expect(embedder.embed(['a'], { batchsize: 2 } as never)).rejects.toMatchObject({
      code: 'CONFIGURATION_INVALID',
      details: { suggestion: 'batchSize' },
    });
  });

  it('validates Predict config: near misses, LM-only options and bad values are refused, the rest passes', () => {
    expect(() => new Predict('q -> a', { cahce: false })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: expect.objectContaining({ suggestion: 'cache' }) }),
    );
    expect(() => new Predict('q -> a', { baseURL: 'http://x' })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: expect.objectContaining({ option: 'baseURL' }) }),
    );
    expect(() => new Predict('q -> a', { temperature: -1 })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: expect.objectContaining({ option: 'temperature' }) }),
    );
    expect(new Predict('q -> a', { topP: 0.9, temperature: 0.5, n: 2 }).config).toEqual({ topP: 0.9, temperature: 0.5, n: 2 });
  });
});
