import { ConfigurationError, StateValidationError, describeProblem, describeValue } from '../errors';
import { getRootLogger, type Logger } from '../logging/logger';
import { isPlainObject } from '../util/is-plain-object';
import { isUnsafeKey } from '../util/unsafe-keys';
import { BaseLM, type BaseLMOptions, type LMCallOptions, type LMOutput } from './base-lm';
import type { ChatMessage } from './chat-message';
import { buildChatRequest, checkRequestOptions, isReasoningModel, toCamelCase, toSnakeCase } from './chat-request';
import { postJson, type HttpSettings } from './http-request';
import { parseChatCompletion } from './parse-chat-completion';
import { resolveProvider } from './resolve-provider';
import { TRANSPORT_OPTION_NAMES, buildHttpSettings, type TransportOptions } from './transport-options';

/** Options of `new LM(model, options)`: request defaults, cache and history (BaseLM), and transport. */
export interface LMOptions extends BaseLMOptions, TransportOptions {}

/** DSPy's class marker in saved LM state, so DSPy rebuilds a `dspy.LM` from a dspex file. */
const DSPY_LM_CLASS = 'dspy.clients.lm.LM';
/** State keys `fromState` reads itself or ignores (DSPy's training settings have no dspex meaning). */
const STATE_KEYS_HANDLED = new Set(['_dspy_lm_class', 'model', 'model_type', 'cache', 'num_retries', 'api_base', 'base_url', 'api_key', 'headers', 'max_completion_tokens', 'finetuning_model', 'launch_kwargs', 'train_kwargs', 'use_developer_role', 'model_list']);

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

  constructor(model: string, options: LMOptions = {}) {
    super(model, requestOptionsOf(options));
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
    const output = parseChatCompletion(reply, `${this.#http.baseURL}/chat/completions`, this.#log, this.#http.apiKey);
    if (typeof options.n === 'number' && output.outputs.length < options.n) {
      this.#log.debug({ asked: options.n, received: output.outputs.length }, 'server returned fewer choices than n');
    }
    return output;
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
   * Rebuilds an LM from `dumpState()` output or a DSPy-saved `lm` entry. Keys are read as DSPy's
   * `LM(**state)` would; `api_base`/`base_url`, `api_key` and `headers` are honoured when present,
   * so callers strip them from untrusted files first (Module.loadState does, unless allowed).
   * @throws {StateValidationError} STATE_INVALID for a missing model, another LM class or model type, or a malformed value.
   */
  static fromState(state: Readonly<Record<string, unknown>>, options: Pick<LMOptions, 'cacheStore' | 'logger' | 'historySize'> = {}): LM {
    if (!isPlainObject(state) || typeof state.model !== 'string' || state.model.length === 0) {
      // Name the keys only: a hand-edited state may hold an api_key.
      throw stateError('LM state needs a "model" string.', isPlainObject(state) ? `an object with keys ${Object.keys(state).join(', ')}` : typeof state, 'Pass the "lm" entry of a saved program, e.g. { "model": "openai/gpt-4o-mini", … }.');
    }
    if (state._dspy_lm_class !== undefined && state._dspy_lm_class !== DSPY_LM_CLASS) {
      throw stateError('LM state names another LM class.', describeValue(state._dspy_lm_class), `Only "${DSPY_LM_CLASS}" (or no class) is rebuilt as an LM; build custom LMs yourself.`);
    }
    if (state.model_type !== undefined && state.model_type !== null && state.model_type !== 'chat') {
      throw stateError('dspex LMs speak the chat API only.', describeValue(state.model_type), 'Save the program with model_type "chat".');
    }
    const lmOptions: Record<string, unknown> = { ...options };
    if (state.cache !== undefined) lmOptions.cache = state.cache;
    if (state.num_retries !== undefined && state.num_retries !== null) lmOptions.numRetries = state.num_retries;
    for (const [key, value] of Object.entries(state)) {
      if (STATE_KEYS_HANDLED.has(key) || isUnsafeKey(key) || value === null) continue;
      lmOptions[toCamelCase(key)] = value;
    }
    if (state.max_completion_tokens != null && lmOptions.maxTokens === undefined) lmOptions.maxTokens = state.max_completion_tokens;
    const baseURL = state.api_base ?? state.base_url;
    if (baseURL != null) lmOptions.baseURL = baseURL;
    if (state.api_key != null) lmOptions.apiKey = state.api_key;
    if (state.headers != null) lmOptions.headers = state.headers;
    try {
      return new LM(state.model, lmOptions as LMOptions);
    } catch (error) {
      if (error instanceof ConfigurationError) throw stateError('LM state holds an invalid setting.', describeValue(error.details.option ?? state.model), error.message, error);
      throw error;
    }
  }
}

/** The options BaseLM keeps: request defaults plus cache and history settings, never transport options. */
function requestOptionsOf(options: LMOptions): BaseLMOptions {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options ?? {})) if (!TRANSPORT_OPTION_NAMES.has(key)) kept[key] = value;
  return kept as BaseLMOptions;
}

function checkReasoningOptions(model: string, options: Readonly<Record<string, unknown>>): void {
  const { temperature, maxTokens } = options;
  // OpenAI rejects other values for these models; DSPy refuses them up front (`LM._get_initial_kwargs`).
  if ((temperature != null && temperature !== 1) || (typeof maxTokens === 'number' && maxTokens < 16_000)) {
    throw new ConfigurationError(
      describeProblem(`OpenAI reasoning models need temperature 1 (or unset) and maxTokens ≥ 16000 (or unset).`, describeValue({ model, temperature, maxTokens }), `Pass e.g. new LM('${model}', { temperature: 1, maxTokens: 16000 }).`),
      { details: { model } },
    );
  }
}

function stateError(problem: string, received: string, fix: string, cause?: unknown): StateValidationError {
  return new StateValidationError(describeProblem(problem, received, fix), { cause });
}
