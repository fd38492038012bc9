import { StateValidationError, describeProblem, describeValue } from '../errors';
import type { Logger } from '../logging/logger';
import { isPlainObject } from '../util/is-plain-object';
import { isUnsafeKey } from '../util/unsafe-keys';
import { closestName } from '../util/validate-options';
import { toCamelCase } from './chat-request';
import { LM_CLIENT_OPTION_NAMES, LM_REQUEST_OPTION_NAMES } from './lm-client-options';

/** DSPy's class marker in saved LM state, so DSPy rebuilds a `dspy.LM` from a dspex file. */
export const DSPY_LM_CLASS = 'dspy.clients.lm.LM';

/** A loaded file may ask for at most this many retries (each retry is another paid request). */
export const MAX_STATE_NUM_RETRIES = 10;

/** Saved values deeper than this are not JSON data a DSPy file holds (the parsers' limit too). */
const MAX_VALUE_DEPTH = 100;

/** DSPy's constructor keywords with no dspex meaning: read silently and never sent. */
const DSPY_ONLY_KEYS = new Set([
  '_dspy_lm_class',
  'model',
  'model_type',
  'cache',
  'num_retries',
  'max_completion_tokens',
  'finetuning_model',
  'launch_kwargs',
  'train_kwargs',
  'use_developer_role',
]);

/** Endpoint, key and header entries, as DSPy and dspex spell them, and the client option each maps to. */
const ENDPOINT_KEYS: Readonly<Record<string, 'baseURL' | 'apiKey' | 'headers' | undefined>> = {
  api_base: 'baseURL',
  apiBase: 'baseURL',
  base_url: 'baseURL',
  baseUrl: 'baseURL',
  baseURL: 'baseURL',
  api_key: 'apiKey',
  apiKey: 'apiKey',
  headers: 'headers',
  // A litellm router table: dspex has no router, so it is never honoured.
  model_list: undefined,
  modelList: undefined,
};

/** Spellings (lower case, no underscores) of client internals that are not `LM` option names. */
const INTERNAL_NAMES = new Set([
  'logger',
  'callbacks',
  'provider',
  'cachedir',
  'cachedirectory',
  'directory',
  'diskmaxbytes',
  'memorymaxbytes',
  'timeout',
  'requesttimeout',
  'maxretries',
]);

/** What `readLMState` found: the model and the options to build the LM with. */
export interface LMStateReading {
  readonly model: string;
  /** `cache`, `numRetries`, request parameters, and (only when allowed) `baseURL`, `apiKey`, `headers`. */
  readonly options: Record<string, unknown>;
}

/**
 * Reads a saved `lm` entry (DSPy's `LM.dump_state` layout, reference §5.6) as data, never as client
 * options: `model`/`model_type` choose the model, `num_retries` (≤ 10) and `cache` (a boolean) set
 * behaviour, and every other key holding JSON data becomes a request parameter. Endpoint, key and
 * header entries are dropped (logged at debug) unless `allowUnsafeLmState`; keys naming client
 * internals (`logger`, timeouts, retry tuning, cache location, history size, …) are dropped with one
 * warning.
 * @throws {StateValidationError} STATE_INVALID for a missing model, another LM class or model type, or a malformed value.
 */
export function readLMState(state: unknown, settings: { allowUnsafeLmState: boolean; log: Logger }): LMStateReading {
  if (!isPlainObject(state) || typeof state.model !== 'string' || state.model.length === 0) {
    // Name the keys only: a hand-edited state may hold an api_key.
    throw stateError(
      'LM state needs a "model" string.',
      isPlainObject(state) ? `an object with keys ${Object.keys(state).join(', ')}` : typeof state,
      'Pass the "lm" entry of a saved program, e.g. { "model": "openai/gpt-4o-mini", … }.',
    );
  }
  if (state._dspy_lm_class !== undefined && state._dspy_lm_class !== DSPY_LM_CLASS) {
    throw stateError(
      'LM state names another LM class.',
      describeValue(state._dspy_lm_class),
      `Only "${DSPY_LM_CLASS}" (or no class) is rebuilt as an LM; build custom LMs yourself.`,
    );
  }
  if (state.model_type != null && state.model_type !== 'chat') {
    throw stateError('dspex LMs speak the chat API only.', describeValue(state.model_type), 'Save the program with model_type "chat".');
  }
  const options: Record<string, unknown> = {};
  if (state.cache != null) {
    if (typeof state.cache !== 'boolean')
      throw stateError('LM state "cache" must be true or false.', describeValue(state.cache), 'Save cache as true or false.');
    options.cache = state.cache;
  }
  if (state.num_retries != null) {
    const retries = state.num_retries;
    if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > MAX_STATE_NUM_RETRIES) {
      throw stateError(
        `LM state "num_retries" must be a whole number from 0 to ${MAX_STATE_NUM_RETRIES}.`,
        describeValue(retries),
        `Save num_retries between 0 and ${MAX_STATE_NUM_RETRIES} (DSPy's default is 3).`,
      );
    }
    options.numRetries = retries;
  }
  const endpointKeys: string[] = [];
  const internalKeys: string[] = [];
  for (const [key, value] of Object.entries(state)) {
    if (DSPY_ONLY_KEYS.has(key) || isUnsafeKey(key) || value === null || value === undefined) continue;
    if (Object.prototype.hasOwnProperty.call(ENDPOINT_KEYS, key)) {
      endpointKeys.push(key);
      const option = ENDPOINT_KEYS[key];
      if (settings.allowUnsafeLmState && option !== undefined && options[option] === undefined) options[option] = value;
      continue;
    }
    const name = toCamelCase(key);
    if (isUnsafeKey(name)) continue;
    if (!LM_REQUEST_OPTION_NAMES.includes(name) && namesClientSetting(name)) {
      internalKeys.push(key);
      continue;
    }
    if (!isJsonData(value))
      throw stateError(
        `LM state "${key}" must hold JSON data.`,
        describeValue(value),
        'Save request parameters as numbers, strings, booleans, lists or objects.',
      );
    options[name] = value;
  }
  // DSPy keeps a reasoning model's limit as max_completion_tokens; dspex names it maxTokens.
  if (state.max_completion_tokens != null && options.maxTokens === undefined) {
    if (!isJsonData(state.max_completion_tokens))
      throw stateError('LM state "max_completion_tokens" must hold JSON data.', describeValue(state.max_completion_tokens), 'Save it as a number.');
    options.maxTokens = state.max_completion_tokens;
  }
  if (endpointKeys.length > 0) {
    settings.log.debug(
      { keys: endpointKeys.sort(), honoured: settings.allowUnsafeLmState },
      settings.allowUnsafeLmState
        ? 'lm state endpoint and credential keys honoured (allowUnsafeLmState)'
        : 'lm state endpoint and credential keys dropped; pass allowUnsafeLmState for trusted files',
    );
  }
  if (internalKeys.length > 0) {
    settings.log.warn({ keys: internalKeys.sort() }, 'lm state keys naming client settings ignored; set them in code on the LM');
  }
  return { model: state.model, options };
}

/** True for a name that is, or is within two edits of, an `LM` client option or another client internal. */
function namesClientSetting(name: string): boolean {
  const plain = name.toLowerCase().replace(/_/g, '');
  if (INTERNAL_NAMES.has(plain) || plain.startsWith('retry') || plain.includes('timeout')) return true;
  return closestName(name, LM_CLIENT_OPTION_NAMES) !== undefined;
}

/** Plain JSON data (what a saved file can hold), at most `MAX_VALUE_DEPTH` deep; checked without recursion. */
function isJsonData(value: unknown): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: item, depth } = pending.pop() as { value: unknown; depth: number };
    if (item === null || typeof item === 'string' || typeof item === 'boolean') continue;
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) return false;
      continue;
    }
    if (depth >= MAX_VALUE_DEPTH) return false;
    if (Array.isArray(item)) {
      for (const element of item) pending.push({ value: element, depth: depth + 1 });
      continue;
    }
    if (!isPlainObject(item)) return false;
    for (const element of Object.values(item)) pending.push({ value: element, depth: depth + 1 });
  }
  return true;
}

function stateError(problem: string, received: string, fix: string): StateValidationError {
  return new StateValidationError(describeProblem(problem, received, fix));
}
