/**
 * The names of `LM` options that steer the client itself (where requests go, what they carry, how
 * long and how often they are tried, what is kept) rather than what the model is asked. Saved state
 * can never set these (see `readLMState`), and a user's key within two edits of one is a typo
 * (`baseUrl` → `baseURL`).
 */
export const LM_CLIENT_OPTION_NAMES: readonly string[] = [
  'apiKey',
  'baseURL',
  'headers',
  'numRetries',
  'timeoutMs',
  'retryBaseDelayMs',
  'retryMaxDelayMs',
  'maxRetryAfterMs',
  'maxResponseBytes',
  'logger',
  'historySize',
  'historyMaxBytes',
  'cache',
  'cacheStore',
];

/** Request options dspex documents and checks; every other request option is passed through as given. */
export const LM_REQUEST_OPTION_NAMES: readonly string[] = ['temperature', 'maxTokens', 'n', 'stop', 'rolloutId', 'responseFormat'];
