import { describeProblem, configurationError } from '../errors';
import { closestName, validateOptions, type OptionRule, type OptionRules, type ValidatedOptions, LOGGER_RULE } from '../util/validate-options';
import { isPlainObject } from '../util/is-plain-object';
import { LMCache } from './lm-cache';

/**
 * The options that steer an `LM` or `Embedder` client itself (where requests go, what they carry,
 * how long and how often they are tried, what is kept) rather than what the model is asked. Saved
 * state can never set them (see `readLMState`), and a key within two edits of one is a typo
 * (`baseUrl` → `baseURL`). `apiKey`, `baseURL` and `headers` are checked where they are used, by
 * code that never prints a credential.
 */
export const TRANSPORT_RULES: OptionRules = {
  apiKey: { kind: 'any' },
  baseURL: { kind: 'any' },
  headers: { kind: 'any' },
  numRetries: { kind: 'integer', min: 0 },
  timeoutMs: { kind: 'duration', allowInfinity: true },
  retryBaseDelayMs: { kind: 'duration', allowZero: true },
  retryMaxDelayMs: { kind: 'duration', allowZero: true },
  maxRetryAfterMs: { kind: 'duration', allowZero: true },
  maxResponseBytes: { kind: 'integer', min: 1 },
  logger: LOGGER_RULE,
};

const cacheStoreRule: OptionRule = { kind: 'custom', check: (value) => (value instanceof LMCache ? undefined : 'an LMCache') };

/** What every LM keeps besides request defaults: history bounds and the cache. */
export const BASE_LM_RULES: OptionRules = {
  historySize: { kind: 'integer', min: 0 },
  historyMaxBytes: { kind: 'integer', min: 0 },
  cache: {
    kind: 'custom',
    check: (value) => (typeof value === 'boolean' || isPlainObject(value) ? undefined : "true, false, or cache options such as { directory: './.cache' }"),
  },
  cacheStore: cacheStoreRule,
  pricing: { kind: 'custom', check: checkPricing },
};

/** `pricing` is `{ inputPerMillion, outputPerMillion }`, both finite dollar amounts ≥ 0, and nothing else. */
function checkPricing(value: unknown): string | undefined {
  const expected = 'dollar prices per million tokens, e.g. { inputPerMillion: 0.15, outputPerMillion: 0.6 }';
  if (!isPlainObject(value)) return expected;
  const keys = Object.keys(value);
  const isPrice = (price: unknown): boolean => typeof price === 'number' && Number.isFinite(price) && price >= 0;
  const isValid = keys.length === 2 && isPrice(value.inputPerMillion) && isPrice(value.outputPerMillion);
  return isValid ? undefined : expected;
}

/** Every `LM` client option name. */
export const LM_CLIENT_OPTION_NAMES: readonly string[] = [...Object.keys(TRANSPORT_RULES), ...Object.keys(BASE_LM_RULES)];

/** The transport option names, so LM can tell them from request defaults. */
export const TRANSPORT_OPTION_NAMES: ReadonlySet<string> = new Set(Object.keys(TRANSPORT_RULES));

/** Request options dspex documents and checks; every other request option is passed through as given. */
export const LM_REQUEST_OPTION_NAMES: readonly string[] = ['temperature', 'maxTokens', 'n', 'stop', 'rolloutId', 'responseFormat'];

/** DSPy's (and OpenAI's client's) spellings of client options: a user passing one meant ours. */
const FOREIGN_SPELLINGS: Readonly<Record<string, string>> = {
  api_key: 'apiKey',
  api_base: 'baseURL',
  apiBase: 'baseURL',
  base_url: 'baseURL',
  num_retries: 'numRetries',
  max_retries: 'numRetries',
  maxRetries: 'numRetries',
  history_size: 'historySize',
};

/**
 * Validates client options with the one options helper, passing request parameters through:
 * a key within two edits of a client option, or DSPy's spelling of one (`api_base`), is a
 * `CONFIGURATION_INVALID` with a "did you mean"; every other key is a request parameter.
 * @throws {ConfigurationError} CONFIGURATION_INVALID naming the option.
 */
export function validateClientOptions(owner: string, options: unknown, rules: OptionRules): ValidatedOptions {
  if (isPlainObject(options)) {
    const names = Object.keys(rules);
    for (const key of Object.keys(options)) {
      if (Object.prototype.hasOwnProperty.call(rules, key)) continue;
      const foreign = FOREIGN_SPELLINGS[key];
      const suggestion = foreign !== undefined && names.includes(foreign) ? foreign : closestName(key, names);
      if (suggestion === undefined) continue;
      // Never print the value: it may be a key passed under a misspelt name.
      throw configurationError(
        describeProblem(
          `${owner}: unknown option "${key}".`,
          `a value of type ${typeof options[key]}`,
          `Did you mean "${suggestion}"? dspex spells options in camelCase.`,
        ),
        {
          option: key,
          suggestion,
        },
      );
    }
  }
  return validateOptions(owner, options, rules, { error: configurationError, unknownKeys: 'pass-through' });
}
