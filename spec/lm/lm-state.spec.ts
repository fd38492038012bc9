import pino from 'pino';
import { Writable } from 'node:stream';
import { LM, type LMOptions } from '../../lib/lm/lm';
import { LMCache } from '../../lib/lm/lm-cache';
import { completion, startOpenAIServer, type OpenAIServer } from '../helpers/openai-server';

const messages = [{ role: 'user' as const, content: 'Capital of France?' }];

/** A logger writing parsed records to `records`, at debug. */
function recordingLogger(): { logger: pino.Logger; records: { level: number; msg: string; keys?: string[] }[] } {
  const records: { level: number; msg: string; keys?: string[] }[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (records.push(JSON.parse(chunk.toString())), done()) });
  return { logger: pino({ level: 'debug' }, sink), records };
}

const WARN = 40;

describe('LM.fromState', () => {
  let trusted: OpenAIServer;
  let evil: OpenAIServer;
  const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };

  beforeAll(async () => {
    [trusted, evil] = await Promise.all([startOpenAIServer(), startOpenAIServer()]);
    // The endpoint and key the user's code (here: the environment) configured.
    process.env.OPENAI_BASE_URL = trusted.baseURL;
    process.env.OPENAI_API_KEY = 'sk-users-own-key';
  });
  beforeEach(() => {
    trusted.respond = () => completion('Paris');
    evil.respond = () => completion('pwned');
  });
  afterEach(() => {
    trusted.reset();
    evil.reset();
  });
  afterAll(async () => {
    restoreEnvironment('OPENAI_API_KEY', saved.key);
    restoreEnvironment('OPENAI_BASE_URL', saved.url);
    await Promise.all([trusted.close(), evil.close()]);
  });

  const fresh = { cacheStore: new LMCache({ directory: null }) };

  it('never lets a saved entry choose the endpoint, key or headers: the evil server sees nothing', async () => {
    const { logger, records } = recordingLogger();
    const lm = LM.fromState(
      {
        model: 'openai/gpt-4o-mini',
        api_base: evil.baseURL,
        base_url: evil.baseURL,
        baseURL: evil.baseURL,
        base_u_r_l: evil.baseURL,
        api_key: 'sk-attacker',
        headers: { authorization: 'Bearer sk-attacker', 'x-forward-to': evil.baseURL },
        model_list: [{ model_name: 'x', litellm_params: { api_base: evil.baseURL } }],
        temperature: 0.3,
      },
      { ...fresh, logger },
    );
    await expect(lm.call(messages)).resolves.toMatchObject({ outputs: ['Paris'] });
    expect(evil.requests).toHaveLength(0);
    expect(trusted.requests).toHaveLength(1);
    const [request] = trusted.requests;
    expect(request.headers.authorization).toBe('Bearer sk-users-own-key');
    expect(request.headers['x-forward-to']).toBeUndefined();
    expect(request.body).toEqual({ model: 'gpt-4o-mini', messages, temperature: 0.3 });
    expect(JSON.stringify(request)).not.toContain(evil.baseURL);
    // Endpoint entries are dropped quietly (files saved against a local server carry them);
    // the camel-cased look-alike names a client setting, so it is the one warning.
    expect(records.filter((record) => record.level === WARN)).toEqual([expect.objectContaining({ keys: ['base_u_r_l'] })]);
    expect(records.find((record) => record.level === 20)?.keys).toEqual(['api_base', 'api_key', 'baseURL', 'base_url', 'headers', 'model_list']);
  });

  it('honours the endpoint, key and headers with allowUnsafeLmState, through the validated options', async () => {
    const lm = LM.fromState(
      { model: 'openai/gpt-4o-mini', api_base: evil.baseURL, api_key: 'sk-file-key', headers: { 'x-team': 'a' } },
      { ...fresh, allowUnsafeLmState: true, logger: pino({ level: 'silent' }) },
    );
    await lm.call(messages);
    expect(trusted.requests).toHaveLength(0);
    expect(evil.requests[0].headers).toMatchObject({ authorization: 'Bearer sk-file-key', 'x-team': 'a' });
    expect(() => LM.fromState({ model: 'openai/x', api_base: 'file:///etc/passwd' }, { allowUnsafeLmState: true })).toThrow(
      expect.objectContaining({ code: 'STATE_INVALID' }),
    );
    expect(() => LM.fromState({ model: 'openai/x', headers: { a: 1 } }, { allowUnsafeLmState: true })).toThrow(
      expect.objectContaining({ code: 'STATE_INVALID' }),
    );
  });

  it('drops keys naming client internals with one warning, and never sends them', async () => {
    const { logger, records } = recordingLogger();
    const lm = LM.fromState(
      {
        model: 'openai/gpt-4o-mini',
        logger: 'x',
        timeout_ms: 1,
        timeout: 1,
        history_size: 1,
        cache_store: '/tmp/x',
        cache_dir: '/tmp/y',
        retry_base_delay_ms: 0,
        max_response_bytes: 1,
        top_p: 0.5,
      },
      { ...fresh, logger },
    );
    await lm.call(messages);
    expect(trusted.requests[0].body).toEqual({ model: 'gpt-4o-mini', messages, top_p: 0.5 });
    const warnings = records.filter((record) => record.level === WARN);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].keys).toEqual([
      'cache_dir',
      'cache_store',
      'history_size',
      'logger',
      'max_response_bytes',
      'retry_base_delay_ms',
      'timeout',
      'timeout_ms',
    ]);
  });

  it('sends the other JSON-data keys as request parameters, as DSPy keeps them', async () => {
    const lm = LM.fromState(
      {
        _dspy_lm_class: 'dspy.clients.lm.LM',
        model: 'openai/o3-mini',
        model_type: 'chat',
        cache: false,
        num_retries: 2,
        temperature: 1,
        max_completion_tokens: 20000,
        reasoning_effort: 'low',
        logit_bias: { '42': 5 },
        finetuning_model: null,
        launch_kwargs: {},
        train_kwargs: {},
      },
      { logger: pino({ level: 'silent' }) },
    );
    expect(lm).toMatchObject({ cache: false, numRetries: 2 });
    await lm.call(messages);
    expect(trusted.requests[0].body).toEqual({
      model: 'o3-mini',
      messages,
      temperature: 1,
      max_completion_tokens: 20000,
      reasoning_effort: 'low',
      logit_bias: { '42': 5 },
    });
  });

  it('loads a file dspex saved without a warning and rebuilds an equal LM', () => {
    const { logger, records } = recordingLogger();
    const options: LMOptions = {
      baseURL: 'http://localhost:1234/v1',
      apiKey: 'sk-x',
      headers: { a: 'b' },
      timeoutMs: 5000,
      numRetries: 5,
      cache: false,
      temperature: 0.2,
      maxTokens: 100,
      topP: 0.9,
      rolloutId: 3,
      stop: ['\n'],
      logger: pino({ level: 'silent' }),
    };
    const state = new LM('openai/gpt-4o-mini', options).dumpState();
    const rebuilt = LM.fromState(JSON.parse(JSON.stringify(state)), { logger, allowUnsafeLmState: true });
    expect(records.filter((record) => record.level >= WARN)).toEqual([]);
    expect(rebuilt.dumpState()).toEqual(state);
    const safe = LM.fromState(JSON.parse(JSON.stringify(state)), { logger });
    expect(records.filter((record) => record.level >= WARN)).toEqual([]);
    expect(safe.options).toEqual({ temperature: 0.2, maxTokens: 100, topP: 0.9, rolloutId: 3, stop: ['\n'] });
  });

  it.each([
    ['num_retries above 10', { num_retries: 11 }],
    ['a fractional num_retries', { num_retries: 1.5 }],
    ['a non-boolean cache', { cache: { directory: '/etc' } }],
    ['a value that is not JSON data', { top_p: () => 1 }],
    ['an infinite number', { top_p: Infinity }],
    ['a 10,000-deep value', { logit_bias: deeplyNested(10_000) }],
    ['an invalid documented option', { max_tokens: -1 }],
  ])('rejects %s with STATE_INVALID', (_case, extra) => {
    expect(() => LM.fromState({ model: 'openai/gpt-4o-mini', ...extra })).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
  });

  it('keeps a __proto__ key from reaching any prototype', () => {
    const state = JSON.parse('{"model": "openai/gpt-4o-mini", "__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
    const lm = LM.fromState(state, { logger: pino({ level: 'silent' }) });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(lm.options).toEqual({});
  });
});

function deeplyNested(depth: number): unknown {
  let value: unknown = 1;
  for (let index = 0; index < depth; index += 1) value = [value];
  return value;
}

function restoreEnvironment(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
