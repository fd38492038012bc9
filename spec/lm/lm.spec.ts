import pino from 'pino';
import { Writable } from 'node:stream';
import { LM, type LMOptions } from '../../lib/lm/lm';
import { LMCache } from '../../lib/lm/lm-cache';
import type { ChatMessage } from '../../lib/lm/chat-message';
import {
  completion,
  dropConnection,
  emptyChoices,
  hang,
  malformedJson,
  rateLimited,
  serverError,
  startOpenAIServer,
  unauthorized,
  type OpenAIServer,
} from '../helpers/openai-server';

const API_KEY = 'sk-test-secret-0123456789';
const messages: ChatMessage[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Capital of France?' },
];
const silent = pino({ level: 'silent' });

describe('LM', () => {
  let server: OpenAIServer;

  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  function makeLM(options: LMOptions = {}, model = 'openai/gpt-4o-mini'): LM {
    return new LM(model, {
      apiKey: API_KEY,
      baseURL: server.baseURL,
      cacheStore: new LMCache({ directory: null }),
      retryBaseDelayMs: 0,
      logger: silent,
      ...options,
    });
  }

  describe('requests', () => {
    it('posts the messages to /chat/completions with the prefix stripped from the model', async () => {
      await makeLM().call(messages);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
      expect(server.requests[0].body).toEqual({ model: 'gpt-4o-mini', messages });
    });

    it('sends the options in snake_case and never rolloutId, cache or signal', async () => {
      const lm = makeLM({ temperature: 0.5, maxTokens: 100, stop: ['\n\n'], topP: 0.9 });
      await lm.call(messages, { n: 2, responseFormat: { type: 'json_object' }, rolloutId: 7, cache: false, signal: new AbortController().signal });
      expect(server.requests[0].body).toEqual({
        model: 'gpt-4o-mini',
        messages,
        temperature: 0.5,
        max_tokens: 100,
        stop: ['\n\n'],
        top_p: 0.9,
        n: 2,
        response_format: { type: 'json_object' },
      });
    });

    it('lets a call override the default options', async () => {
      await makeLM({ temperature: 0.5 }).call(messages, { temperature: 0.9, cache: false });
      expect(server.requests[0].body.temperature).toBe(0.9);
    });

    it('sends the API key as a bearer token and the extra headers', async () => {
      await makeLM({ headers: { 'x-team': 'search' } }).call(messages);
      expect(server.requests[0].headers).toMatchObject({ authorization: `Bearer ${API_KEY}`, 'x-team': 'search', 'content-type': 'application/json' });
    });

    it('treats a model without a prefix as an OpenAI model', async () => {
      await makeLM({}, 'gpt-4o-mini').call(messages);
      expect(server.requests[0].body.model).toBe('gpt-4o-mini');
    });

    it('keeps the slashes after the prefix in the model name', async () => {
      await makeLM({}, 'openrouter/meta-llama/llama-3.1-8b').call(messages);
      expect(server.requests[0].body.model).toBe('meta-llama/llama-3.1-8b');
    });

    it('sends max_completion_tokens to OpenAI reasoning models', async () => {
      await makeLM({ temperature: 1, maxTokens: 16000 }, 'openai/o3-mini').call(messages);
      expect(server.requests[0].body).toMatchObject({ max_completion_tokens: 16000 });
      expect(server.requests[0].body).not.toHaveProperty('max_tokens');
    });
  });

  describe('replies', () => {
    it('returns the completion, the usage and the response model', async () => {
      server.script(completion('Paris', { usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 }, model: 'gpt-4o-mini-2024-07-18' }));
      const output = await makeLM().call(messages);
      expect(output).toMatchObject({
        outputs: ['Paris'],
        usage: { promptTokens: 12, completionTokens: 3, totalTokens: 15 },
        responseModel: 'gpt-4o-mini-2024-07-18',
      });
    });

    it('returns every choice in index order when n > 1', async () => {
      const reply = completion(['first', 'second', 'third']);
      (reply.body as { choices: unknown[] }).choices.reverse();
      server.script(reply);
      const output = await makeLM().call(messages, { n: 3 });
      expect(output.outputs).toEqual(['first', 'second', 'third']);
    });

    it('reads a null content as an empty completion', async () => {
      server.script({ body: { model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: null } }] } });
      await expect(makeLM().call(messages)).resolves.toMatchObject({ outputs: [''] });
    });

    it('sums usage over calls and records each call in history', async () => {
      const lm = makeLM();
      await lm.call(messages, { rolloutId: 1 });
      await lm.call(messages, { rolloutId: 2 });
      expect(lm.usage).toEqual({ promptTokens: 20, completionTokens: 10, totalTokens: 30, cost: null });
      expect(lm.history).toHaveLength(2);
      expect(lm.history[1]).toMatchObject({ messages, outputs: [`echo 0: ${messages[1].content}`], model: 'openai/gpt-4o-mini', options: { rolloutId: 2 } });
    });

    it('rejects a body that is not JSON with LM_RESPONSE_INVALID', async () => {
      server.script(malformedJson());
      await expect(makeLM().call(messages)).rejects.toMatchObject({ code: 'LM_RESPONSE_INVALID' });
    });

    it('rejects an empty choices list with LM_RESPONSE_INVALID', async () => {
      server.script(emptyChoices());
      await expect(makeLM().call(messages)).rejects.toMatchObject({ code: 'LM_RESPONSE_INVALID' });
    });

    it.each([
      ['no choices list', { model: 'm' }],
      ['a choice without a message', { choices: [{ index: 0 }] }],
      ['a content that is not text', { choices: [{ index: 0, message: { content: 42 } }] }],
      ['an array body', [1, 2]],
    ])('rejects %s with LM_RESPONSE_INVALID', async (_case, body) => {
      server.script({ body });
      await expect(makeLM().call(messages)).rejects.toMatchObject({ code: 'LM_RESPONSE_INVALID' });
    });

    it('does not record a failed call in history', async () => {
      const lm = makeLM({ numRetries: 0 });
      server.script(serverError());
      await expect(lm.call(messages)).rejects.toMatchObject({ code: 'LM_HTTP' });
      expect(lm.history).toHaveLength(0);
    });
  });

  describe('retries', () => {
    it('retries a 429 that carries Retry-After, then succeeds', async () => {
      server.script(rateLimited('0'), completion('after the limit'));
      const output = await makeLM().call(messages);
      expect(output.outputs).toEqual(['after the limit']);
      expect(server.requests).toHaveLength(2);
    });

    it('retries a 500, then succeeds', async () => {
      server.script(serverError(500), serverError(503), completion('recovered'));
      await expect(makeLM().call(messages)).resolves.toMatchObject({ outputs: ['recovered'] });
      expect(server.requests).toHaveLength(3);
    });

    it('retries a dropped connection, then succeeds', async () => {
      server.script(dropConnection(), completion('reconnected'));
      await expect(makeLM().call(messages)).resolves.toMatchObject({ outputs: ['reconnected'] });
      expect(server.requests).toHaveLength(2);
    });

    it('gives up after numRetries with the last status', async () => {
      server.script(serverError(502), serverError(502), serverError(502));
      await expect(makeLM({ numRetries: 2 }).call(messages)).rejects.toMatchObject({ code: 'LM_HTTP', status: 502, details: { attempts: 3 } });
      expect(server.requests).toHaveLength(3);
    });

    it.each([400, 401, 403, 404])('never retries HTTP %i', async (status) => {
      server.script({ status, body: { error: { message: 'no' } } });
      await expect(makeLM().call(messages)).rejects.toMatchObject({ code: 'LM_HTTP', status });
      expect(server.requests).toHaveLength(1);
    });

    it('reports an unreachable server as LM_HTTP with status 0', async () => {
      const lm = new LM('openai/gpt-4o-mini', { baseURL: 'http://127.0.0.1:1/v1', numRetries: 1, retryBaseDelayMs: 0, logger: silent, cache: false });
      await expect(lm.call(messages)).rejects.toMatchObject({ code: 'LM_HTTP', status: 0, details: { attempts: 2 } });
    });
  });

  describe('timeouts and cancellation', () => {
    it('aborts a hung request after timeoutMs with LM_TIMEOUT', async () => {
      server.script(hang());
      await expect(makeLM({ timeoutMs: 20, numRetries: 0 }).call(messages)).rejects.toMatchObject({ code: 'LM_TIMEOUT', details: { timeoutMs: 20 } });
    });

    it('retries a timed-out attempt', async () => {
      server.script(hang(), completion('second try'));
      await expect(makeLM({ timeoutMs: 250, numRetries: 1 }).call(messages)).resolves.toMatchObject({ outputs: ['second try'] });
      expect(server.requests).toHaveLength(2);
    });

    it("rejects with the caller's abort reason, unchanged, while a request is in flight", async () => {
      const controller = new AbortController();
      const reason = new Error('user left');
      server.respond = () => {
        controller.abort(reason);
        return hang();
      };
      await expect(makeLM({ timeoutMs: 60_000 }).call(messages, { signal: controller.signal })).rejects.toBe(reason);
      expect(server.requests).toHaveLength(1);
    });

    it('sends nothing when the signal is already aborted', async () => {
      const reason = new Error('too late');
      await expect(makeLM().call(messages, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(server.requests).toHaveLength(0);
    });

    it('stops retrying when the caller aborts during the backoff', async () => {
      const controller = new AbortController();
      const reason = new Error('stop');
      server.respond = () => {
        setImmediate(() => controller.abort(reason));
        return rateLimited('30');
      };
      await expect(makeLM().call(messages, { signal: controller.signal })).rejects.toBe(reason);
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('credentials', () => {
    it('says which environment variable or option to set on a 401', async () => {
      server.script(unauthorized(401));
      const lm = new LM('openai/gpt-4o-mini', { baseURL: server.baseURL, logger: silent, cache: false });
      const error = await lm.call(messages).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'LM_HTTP', status: 401 });
      expect((error as Error).message).toContain('OPENAI_API_KEY');
      expect((error as Error).message).toContain('apiKey');
    });

    it('keeps the API key out of errors even when the server echoes it', async () => {
      server.script({ status: 403, body: { error: { message: `key ${API_KEY} is revoked` } } });
      const error = await makeLM()
        .call(messages)
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'LM_HTTP', status: 403 });
      expect(`${(error as Error).message} ${JSON.stringify((error as { details: unknown }).details)}`).not.toContain(API_KEY);
    });

    it('keeps the API key and headers out of history, state and logs', async () => {
      const lines: string[] = [];
      const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
      const lm = makeLM({ headers: { 'x-secret': 'header-secret' }, logger: pino({ level: 'trace' }, sink) });
      server.script(serverError(), completion('ok'));
      await lm.call(messages, { apiKey: API_KEY } as never);
      const everything = `${JSON.stringify(lm.history)} ${JSON.stringify(lm.dumpState())} ${lines.join('')}`;
      expect(lines.length).toBeGreaterThan(0);
      expect(everything).not.toContain(API_KEY);
      expect(everything).not.toContain('header-secret');
    });

    it('reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment for openai/ models', async () => {
      const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
      process.env.OPENAI_API_KEY = 'sk-from-environment';
      process.env.OPENAI_BASE_URL = server.baseURL;
      try {
        await new LM('openai/gpt-4o-mini', { logger: silent, cache: false }).call(messages);
      } finally {
        restoreEnvironment('OPENAI_API_KEY', saved.key);
        restoreEnvironment('OPENAI_BASE_URL', saved.url);
      }
      expect(server.requests[0].headers.authorization).toBe('Bearer sk-from-environment');
    });
  });

  describe('configuration', () => {
    it.each([
      ['maxTokens', { maxTokens: -1 }],
      ['numRetries', { numRetries: -1 }],
      ['timeoutMs', { timeoutMs: -5 }],
      ['temperature', { temperature: -0.1 }],
      ['n', { n: 0 }],
      ['stop', { stop: 3 }],
      ['headers', { headers: { authorization: 1 } }],
      ['baseURL', { baseURL: 'ftp://example.com' }],
    ])('rejects an invalid %s with CONFIGURATION_INVALID', (_name, options) => {
      expect(() => new LM('openai/gpt-4o-mini', options as LMOptions)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
    });

    it('rejects an unknown provider prefix without a baseURL', () => {
      expect(() => new LM('acme/model-1')).toThrow(
        expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: { model: 'acme/model-1', provider: 'acme' } }),
      );
    });

    it('rejects a baseURL that already names the endpoint', () => {
      expect(() => new LM('openai/gpt-4o-mini', { baseURL: 'http://localhost:8000/v1/chat/completions' })).toThrow(
        expect.objectContaining({ code: 'CONFIGURATION_INVALID' }),
      );
    });

    it('rejects an invalid per-call option before sending', async () => {
      await expect(makeLM().call(messages, { maxTokens: -3 })).rejects.toMatchObject({ code: 'CONFIGURATION_INVALID' });
      expect(server.requests).toHaveLength(0);
    });

    it('rejects a reasoning model with a low maxTokens, as DSPy', () => {
      expect(() => new LM('openai/o3-mini', { maxTokens: 1000 })).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
    });
  });

  describe('copy', () => {
    it('keeps the settings, replaces the overrides and starts an empty history', async () => {
      const lm = makeLM({ temperature: 0.2, maxTokens: 50 });
      await lm.call(messages);
      const copy = lm.copy({ temperature: 0.9 });
      expect(copy).toBeInstanceOf(LM);
      expect(copy.options).toEqual({ temperature: 0.9, maxTokens: 50 });
      expect(copy.history).toHaveLength(0);
      await copy.call(messages);
      expect(server.requests[1].headers.authorization).toBe(`Bearer ${API_KEY}`);
      expect(server.requests[1].body).toMatchObject({ temperature: 0.9, max_tokens: 50 });
    });

    it('removes a default given as null', () => {
      expect(makeLM({ temperature: 0.2, maxTokens: 50 }).copy({ temperature: null } as never).options).toEqual({ maxTokens: 50 });
    });

    it('shares the cache with the original', async () => {
      const lm = makeLM();
      await lm.call(messages);
      await expect(lm.copy().call(messages)).resolves.toMatchObject({ cacheHit: true });
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('dumpState and fromState', () => {
    it("writes DSPy's LM.dump_state keys in DSPy's order, without key or headers", () => {
      const lm = new LM('openai/gpt-4o-mini', {
        temperature: 0.7,
        maxTokens: 1000,
        apiKey: 'sk-xxx',
        baseURL: 'http://localhost:1234/v1',
        headers: { a: 'b' },
      });
      const state = lm.dumpState();
      expect(state).toEqual({
        _dspy_lm_class: 'dspy.clients.lm.LM',
        model: 'openai/gpt-4o-mini',
        model_type: 'chat',
        cache: true,
        num_retries: 3,
        temperature: 0.7,
        max_tokens: 1000,
        api_base: 'http://localhost:1234/v1',
        finetuning_model: null,
        launch_kwargs: {},
        train_kwargs: {},
      });
      expect(Object.keys(state)).toEqual([
        '_dspy_lm_class',
        'model',
        'model_type',
        'cache',
        'num_retries',
        'temperature',
        'max_tokens',
        'api_base',
        'finetuning_model',
        'launch_kwargs',
        'train_kwargs',
      ]);
    });

    it('writes unset temperature and max_tokens as null and extra options in the order given', () => {
      const state = new LM('ollama/llama3.2', { topP: 0.9, cache: false, numRetries: 5, rolloutId: 2, temperature: 0.5 }).dumpState();
      expect(Object.entries(state)).toEqual([
        ['_dspy_lm_class', 'dspy.clients.lm.LM'],
        ['model', 'ollama/llama3.2'],
        ['model_type', 'chat'],
        ['cache', false],
        ['num_retries', 5],
        ['temperature', 0.5],
        ['max_tokens', null],
        ['top_p', 0.9],
        ['rollout_id', 2],
        ['finetuning_model', null],
        ['launch_kwargs', {}],
        ['train_kwargs', {}],
      ]);
    });

    it('writes a reasoning model max_tokens after train_kwargs, as DSPy', () => {
      const state = new LM('openai/o3-mini', { temperature: 1, maxTokens: 20000 }).dumpState();
      expect(Object.keys(state).slice(-2)).toEqual(['train_kwargs', 'max_tokens']);
      expect(state.max_tokens).toBe(20000);
    });

    it('rebuilds an equal LM from its state', () => {
      const lm = new LM('openai/gpt-4o-mini', {
        temperature: 0.7,
        maxTokens: 1000,
        cache: false,
        numRetries: 1,
        baseURL: 'http://localhost:1234/v1',
        topP: 0.5,
      });
      const rebuilt = LM.fromState(lm.dumpState(), { allowUnsafeLmState: true });
      expect(rebuilt.dumpState()).toEqual(lm.dumpState());
      expect(rebuilt.options).toEqual(lm.options);
    });

    it("rebuilds DSPy's saved lm entry", () => {
      const rebuilt = LM.fromState({
        _dspy_lm_class: 'dspy.clients.lm.LM',
        model: 'openai/gpt-4o-mini',
        model_type: 'chat',
        cache: true,
        num_retries: 3,
        temperature: 0.7,
        max_tokens: 1000,
        finetuning_model: null,
        launch_kwargs: {},
        train_kwargs: {},
      });
      expect(rebuilt).toMatchObject({ model: 'openai/gpt-4o-mini', cache: true, numRetries: 3, options: { temperature: 0.7, maxTokens: 1000 } });
    });

    it.each([
      ['another LM class', { _dspy_lm_class: 'my.CustomLM', model: 'openai/x' }],
      ['a missing model', { temperature: 0.7 }],
      ['a text model type', { model: 'openai/x', model_type: 'text' }],
      ['an invalid value', { model: 'openai/x', max_tokens: -1 }],
    ])('rejects %s with STATE_INVALID', (_case, state) => {
      expect(() => LM.fromState(state)).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
    });
  });
});

function restoreEnvironment(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
