import { ConfigurationError, describeProblem, describeValue } from '../errors';
import { isPlainObject } from '../util/is-plain-object';
import type { LMCallOptions } from './base-lm';
import type { ChatMessage } from './chat-message';
import { TRANSPORT_OPTION_NAMES } from './lm-client-options';

/** Options that steer dspex itself and are never sent (DSPy strips `rollout_id` the same way). */
const UNSENT_OPTIONS = new Set([
  'rolloutId',
  'rollout_id',
  'cache',
  'cacheStore',
  'signal',
  'historySize',
  'historyMaxBytes',
  'model',
  'messages',
  ...TRANSPORT_OPTION_NAMES,
]);

/**
 * Checks the request options an LM understands, in its constructor and on each call.
 * @throws {ConfigurationError} CONFIGURATION_INVALID naming the first bad option.
 */
export function checkRequestOptions(options: Readonly<Record<string, unknown>>, owner: string): void {
  const { temperature, maxTokens, n, stop, rolloutId, responseFormat } = options;
  if (temperature != null && (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0)) {
    throw badOption(owner, 'temperature', 'a number ≥ 0', temperature, 'temperature: 0.7');
  }
  if (maxTokens != null && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)) {
    throw badOption(owner, 'maxTokens', 'a whole number ≥ 1', maxTokens, 'maxTokens: 1000');
  }
  if (n != null && (typeof n !== 'number' || !Number.isInteger(n) || n < 1)) throw badOption(owner, 'n', 'a whole number ≥ 1', n, 'n: 3');
  if (stop != null && typeof stop !== 'string' && !(Array.isArray(stop) && stop.every((item) => typeof item === 'string'))) {
    throw badOption(owner, 'stop', 'a string or a list of strings', stop, "stop: ['\\n\\n']");
  }
  if (rolloutId != null && (typeof rolloutId !== 'number' || !Number.isFinite(rolloutId)))
    throw badOption(owner, 'rolloutId', 'a number', rolloutId, 'rolloutId: 1');
  if (responseFormat != null && !isPlainObject(responseFormat)) {
    throw badOption(owner, 'responseFormat', 'an object', responseFormat, "responseFormat: { type: 'json_object' }");
  }
}

/**
 * The JSON body of `POST /chat/completions`: model, messages, then each set option in snake_case
 * (`maxTokens` → `max_tokens`, or `max_completion_tokens` for OpenAI reasoning models, which refuse
 * `max_tokens`). Unset (`undefined`/`null`) options are left out, so the server's defaults apply.
 */
export function buildChatRequest(
  modelName: string,
  messages: readonly ChatMessage[],
  options: LMCallOptions,
  isReasoningModel: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: modelName,
    messages: messages.map((message) => ({ role: message.role, content: message.parts ?? message.content })),
  };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || value === null || UNSENT_OPTIONS.has(key)) continue;
    if (key === 'maxTokens') body[isReasoningModel ? 'max_completion_tokens' : 'max_tokens'] = value;
    else body[toSnakeCase(key)] = value;
  }
  return body;
}

/**
 * True for OpenAI reasoning models (o1/o3/o4/o5 with optional -mini/-nano/-pro and date, and gpt-5
 * except gpt-5-chat), which DSPy's `_is_openai_reasoning_model` singles out.
 */
export function isReasoningModel(model: string): boolean {
  const family = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  return /^(?:o[1345](?:-(?:mini|nano|pro))?(?:-\d{4}-\d{2}-\d{2})?|gpt-5(?!-chat)(?:-.*)?)$/.test(family);
}

/** `maxTokens` → `max_tokens`; keys already in snake_case are kept. */
export function toSnakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** `max_tokens` → `maxTokens`. */
export function toCamelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function badOption(owner: string, name: string, expected: string, value: unknown, example: string): ConfigurationError {
  return new ConfigurationError(
    describeProblem(`${owner} option ${name} must be ${expected}.`, describeValue(value), `Pass e.g. ${example}, or leave it out.`),
    { details: { option: name } },
  );
}
