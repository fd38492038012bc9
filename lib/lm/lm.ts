import { ConfigurationError, StateValidationError, describeProblem, describeValue } from '../errors';
import { getRootLogger, type Logger } from '../logging/logger';
import { BaseLM, type BaseLMOptions, type LMCallOptions, type LMOutput } from './base-lm';
import type { ChatMessage } from './chat-message';
import { buildChatRequest, checkRequestOptions, isReasoningModel, toSnakeCase } from './chat-request';
import { postJson, type HttpSettings } from './http-request';
import { readChatStream } from './chat-stream';
import type { LMStreamItem } from './lm-stream-item';
import { openStream } from './open-stream';
import { DSPY_LM_CLASS, readLMState } from './lm-state';
import { parseChatCompletion } from './parse-chat-completion';
import { resolveProvider } from './resolve-provider';
import { BASE_LM_RULES, TRANSPORT_OPTION_NAMES, TRANSPORT_RULES, validateClientOptions } from './lm-client-options';
import { buildHttpSettings, type TransportOptions } from './transport-options';

const LM_RULES = { ...TRANSPORT_RULES, ...BASE_LM_RULES };

/** Options of `new LM(model, options)`: request defaults, cache and history (BaseLM), and transport. */
export interface LMOptions extends BaseLMOptions, TransportOptions {}

/** Options of `LM.fromState`: what code (never the file) decides about the rebuilt LM. */
export interface LMStateOptions extends Pick<LMOptions, 'cacheStore' | 'logger' | 'historySize'> {
  /** Honour the endpoint, key and header entries of the state (DSPy's `allow_unsafe_lm_state`); only for files you trust. */
  allowUnsafeLmState?: boolean;
}

/**
 * A client for OpenAI-compatible chat APIs: OpenAI, Ollama, vLLM, llama.cpp server, LM Studio,
 * OpenRouter, … The provider prefix picks the endpoint and key (`openai/` → `OPENAI_API_KEY`,
 * `ollama/` → `http://localhost:11434/v1`, any other prefix needs `baseURL`) and is stripped from
 * the model name sent. Rate limits, server errors, timeouts and network failures are retried.
 * @throws {ConfigurationError} CONFIGURATION_INVALID for an unknown prefix without `baseURL`, or an invalid option.
 * @example
 * const lm = new LM('openai/gpt-4o-mini', { temperature: 0.7, maxTokens: 1000 });
 * const { outputs } = await lm.call([{ role: 'user', content: 'Say hi.' }]);
 */
export class LM extends BaseLM {
  readonly numRetries: number;
  readonly #givenOptions: Readonly<LMOptions>;
  readonly #modelName: string;
  readonly #isBaseURLExplicit: boolean;
  readonly #http: HttpSettings;
  readonly #log: Logger;

  /** @throws {ConfigurationError} CONFIGURATION_INVALID for an invalid option, a near miss of one (`baseUrl`), or an unknown provider without `baseURL`. */
  constructor(model: string, options: LMOptions = {}) {
    super(model, requestOptionsOf(validateLMOptions(options)));
    checkRequestOptions(this.options, 'LM');
    const provider = resolveProvider(model, options, 'LM');
    this.#log = (options.logger ?? getRootLogger()).child({ component: 'lm', model });
    this.#http = buildHttpSettings(provider, options, this.#log, 'LM');
    this.#givenOptions = Object.freeze({ ...options });
    this.#modelName = provider.modelName;
    this.#isBaseURLExplicit = provider.isBaseURLExplicit;
    this.numRetries = this.#http.numRetries;
    if (isReasoningModel(model)) checkReasoningOptions(model, this.options);
    if (this.options.rolloutId != null && this.options.temperature === 0) {
      // As DSPy: at temperature 0 a rollout id changes the cache key but not the reply.
      this.#log.warn({ rolloutId: this.options.rolloutId }, 'rolloutId has no effect at temperature 0; set temperature > 0');
    }
  }

  /** Sends one chat-completions request (with retries); use `call()`, which adds cache, history and usage. */
  async forward(messages: readonly ChatMessage[], options: LMCallOptions): Promise<LMOutput> {
    checkRequestOptions(options, 'LM');
    const body = buildChatRequest(this.#modelName, messages, options, isReasoningModel(this.model));
    const reply = await postJson(this.#http, '/chat/completions', body, options.signal);
    const output = parseChatCompletion(reply, `${this.#http.baseURL}/chat/completions`, this.#log, this.#http.secrets);
    if (typeof options.n === 'number' && output.outputs.length < options.n) {
      this.#log.debug({ asked: options.n, received: output.outputs.length }, 'server returned fewer choices than n');
    }
    return output;
  }

  /**
   * Streams one chat-completions request (`stream: true`, server-sent events): the reply's text in
   * pieces as the server sends them, then its usage (asked for with `stream_options.include_usage`
   * unless the options set `streamOptions`). Retried only until the first byte; aborting the
   * signal, or leaving the loop early, closes the connection. Use `streamify` (or `call()` inside
   * it), which adds cache, history and usage.
   * @throws {LMHttpError} LM_HTTP, {@link LMTimeoutError} LM_TIMEOUT, {@link LMResponseError} LM_RESPONSE_INVALID, as `forward`, also mid-stream.
   */
  override async *stream(messages: readonly ChatMessage[], options: LMCallOptions): AsyncGenerator<LMStreamItem, void, undefined> {
    checkRequestOptions(options, 'LM');
    const body = buildChatRequest(this.#modelName, messages, options, isReasoningModel(this.model));
    body.stream = true;
    if (!('streamOptions' in options) && !('stream_options' in options)) body.stream_options = { include_usage: true };
    const opened = await openStream(this.#http, '/chat/completions', body, options.signal);
    try {
      yield* readChatStream(opened, this.#http, this.#log);
    } finally {
      opened.close();
    }
  }

  protected override secretsToScrub(): readonly string[] {
    return this.#http.secrets;
  }

  /**
   * A new LM with the same settings and some replaced (`undefined` or `null` removes a request
   * default, as DSPy's `lm.copy(temperature=None)`); it shares the cache and starts an empty history.
   */
  copy(overrides: Partial<LMOptions> = {}): LM {
    const options: Record<string, unknown> = { ...this.#givenOptions, cacheStore: this.cacheStore };
    for (const [key, value] of Object.entries(overrides)) {
      if (value === null) delete options[key];
      else options[key] = value;
    }
    return new LM(this.model, options as LMOptions);
  }

  /**
   * DSPy's `LM.dump_state` layout (reference §5.6): class marker, model, model_type, cache,
   * num_retries, temperature and max_tokens (null when unset), the other request defaults and an
   * explicit `baseURL` (as `api_base`) in the order given, then DSPy's training keys. Never the API
   * key or headers.
   */
  override dumpState(): Record<string, unknown> {
    const reasoning = isReasoningModel(this.model);
    const state: Record<string, unknown> = {
      _dspy_lm_class: DSPY_LM_CLASS,
      model: this.model,
      model_type: this.modelType,
      cache: this.cache,
      num_retries: this.numRetries,
      temperature: this.options.temperature ?? null,
    };
    if (!reasoning) state.max_tokens = this.options.maxTokens ?? null;
    for (const key of Object.keys(this.#givenOptions)) {
      if (key === 'baseURL' && this.#isBaseURLExplicit) state.api_base = this.#http.baseURL;
      else if (key !== 'temperature' && key !== 'maxTokens' && key in this.options && this.options[key] != null) state[toSnakeCase(key)] = this.options[key];
    }
    Object.assign(state, { finetuning_model: null, launch_kwargs: {}, train_kwargs: {} });
    // DSPy keeps a reasoning model's limit as max_completion_tokens and writes it back last.
    if (reasoning && this.options.maxTokens != null) state.max_tokens = this.options.maxTokens;
    return state;
  }

  /**
   * Rebuilds an LM from `dumpState()` output or a DSPy-saved `lm` entry, reading it as data (see
   * `readLMState`): the model, `num_retries` (≤ 10) and `cache` (a boolean) are read, every other
   * key holding JSON data becomes a request parameter sent in the request body, and the endpoint,
   * key and header entries are dropped unless `allowUnsafeLmState` (then they go through the same
   * validation as constructor options). `cacheStore`, `logger` and `historySize` come from code.
   * @throws {StateValidationError} STATE_INVALID for a missing model, another LM class or model type, or a malformed value.
   */
  static fromState(state: Readonly<Record<string, unknown>>, options: LMStateOptions = {}): LM {
    const { allowUnsafeLmState, ...trusted } = options;
    const log = (trusted.logger ?? getRootLogger()).child({ component: 'lm-state' });
    const reading = readLMState(state, { allowUnsafeLmState: allowUnsafeLmState === true, log });
    try {
      return new LM(reading.model, { ...reading.options, ...trusted } as LMOptions);
    } catch (error) {
      if (error instanceof ConfigurationError) {
        throw new StateValidationError(
          describeProblem('LM state holds an invalid setting.', describeValue(error.details.option ?? reading.model), error.message),
          { cause: error },
        );
      }
      throw error;
    }
  }
}

/** Checks every option with the one options helper (request parameters pass through), and returns them. */
function validateLMOptions(options: LMOptions): LMOptions {
  validateClientOptions('LM', options, LM_RULES);
  return options ?? {};
}

/** The options BaseLM keeps: request defaults plus cache and history settings, never transport options. */
function requestOptionsOf(options: LMOptions): BaseLMOptions {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (!TRANSPORT_OPTION_NAMES.has(key)) kept[key] = value;
  return kept as BaseLMOptions;
}

function checkReasoningOptions(model: string, options: Readonly<Record<string, unknown>>): void {
  const { temperature, maxTokens } = options;
  // OpenAI rejects other values for these models; DSPy refuses them up front (`LM._get_initial_kwargs`).
  if ((temperature != null && temperature !== 1) || (typeof maxTokens === 'number' && maxTokens < 16_000)) {
    throw new ConfigurationError(
      describeProblem(
        `OpenAI reasoning models need temperature 1 (or unset) and maxTokens ≥ 16000 (or unset).`,
        describeValue({ model, temperature, maxTokens }),
        `Pass e.g. new LM('${model}', { temperature: 1, maxTokens: 16000 }).`,
      ),
      { details: { model } },
    );
  }
}
