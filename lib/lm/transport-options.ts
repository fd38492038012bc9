import { ConfigurationError, describeProblem } from '../errors';
import type { Logger } from '../logging/logger';
import { isPlainObject } from '../util/is-plain-object';
import { sleep, type HttpSettings } from './http-request';
import type { ResolvedProvider } from './resolve-provider';

/** How an `LM` or `Embedder` reaches its server: endpoint, credentials, retries, timeouts and limits. */
export interface TransportOptions {
  /** Default: `<PROVIDER>_API_KEY` from the environment (`OPENAI_API_KEY` for `openai/`). Never saved or logged. */
  apiKey?: string;
  /** The OpenAI-compatible endpoint, ending before `/chat/completions` (e.g. `http://localhost:8000/v1`). */
  baseURL?: string;
  /** Extra HTTP headers; never saved, logged or kept in history. */
  headers?: Record<string, string>;
  /**
   * Retries after a rate limit (429), server error (5xx), timeout or network failure.
   * @default 3 (as DSPy)
   */
  numRetries?: number;
  /**
   * Time allowed for each attempt, in ms (1 to 2,147,483,647, or `Infinity` for no limit).
   * @default 600000 (as OpenAI's client)
   */
  timeoutMs?: number;
  /**
   * First backoff delay between retries, doubled each retry, in ms.
   * @default 500
   */
  retryBaseDelayMs?: number;
  /**
   * Longest backoff delay between retries, in ms.
   * @default 8000
   */
  retryMaxDelayMs?: number;
  /**
   * Longest `Retry-After` the client waits, in ms; a server asking for longer (or for longer than
   * the time the call has left) fails the call at once with `LMHttpError` (`details.retryAfterMs`).
   * @default 60000
   */
  maxRetryAfterMs?: number;
  /**
   * Largest response body read, in bytes; a larger one is aborted while streaming in, with `LMResponseError`.
   * @default 10485760 (10 MiB)
   */
  maxResponseBytes?: number;
  /** A pino logger (default dspex's root logger). */
  logger?: Logger;
}

export const DEFAULT_NUM_RETRIES = 3;
const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_RETRY_BASE_DELAY_MS = 500;
const DEFAULT_RETRY_MAX_DELAY_MS = 8_000;
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * Builds the settings `postJson` uses from transport options already checked by
 * `validateClientOptions` (headers are checked here, without printing their values).
 * @throws {ConfigurationError} CONFIGURATION_INVALID for malformed headers.
 */
export function buildHttpSettings(provider: ResolvedProvider, options: TransportOptions, logger: Logger, owner: string): HttpSettings {
  const headers = checkHeaders(options.headers, owner);
  return {
    baseURL: provider.baseURL,
    apiKey: provider.apiKey,
    headers,
    secrets: secretsOf(provider.apiKey, headers),
    numRetries: options.numRetries ?? DEFAULT_NUM_RETRIES,
    timeoutMs: options.timeoutMs === Infinity ? undefined : (options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    retry: {
      baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
      maxDelayMs: options.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
      random: Math.random,
      now: Date.now,
    },
    sleep,
    credentialsHint: provider.credentialsHint,
    logger,
  };
}

/** Header names whose values are credentials: `authorization`, and any naming a key, token, secret or auth. */
const CREDENTIAL_HEADER = /authorization|key|token|secret|auth/i;
/** Shorter values are not scrubbed: they cannot be secrets, and scrubbing them would garble replies. */
const MIN_SECRET_LENGTH = 8;

/** The strings scrubbed from everything kept or returned: the API key and credential-like header values. */
export function secretsOf(apiKey: string | undefined, headers: Readonly<Record<string, string>>): readonly string[] {
  const secrets = new Set<string>();
  if (apiKey !== undefined) secrets.add(apiKey);
  for (const [name, value] of Object.entries(headers)) {
    if (!CREDENTIAL_HEADER.test(name)) continue;
    secrets.add(value);
    // "Bearer sk-…": the credential alone may be echoed without its scheme.
    const credential = /^\s*\S+\s+(\S.*)$/.exec(value)?.[1];
    if (credential !== undefined) secrets.add(credential.trim());
  }
  // Longest first, so a secret containing another is scrubbed whole.
  return [...secrets].filter((secret) => secret.length >= MIN_SECRET_LENGTH).sort((left, right) => right.length - left.length);
}

function checkHeaders(headers: unknown, owner: string): Readonly<Record<string, string>> {
  if (headers === undefined) return {};
  if (!isPlainObject(headers) || !Object.values(headers).every((value) => typeof value === 'string')) {
    // Header values may be credentials: name the problem, never print them.
    throw new ConfigurationError(
      describeProblem(
        `${owner} option headers must be an object of strings.`,
        Array.isArray(headers) ? 'an array' : typeof headers,
        "Pass e.g. { 'x-api-version': '2' }.",
      ),
      {
        details: { option: 'headers' },
      },
    );
  }
  return Object.freeze({ ...(headers as Record<string, string>) });
}
