import { ConfigurationError, describeProblem, describeValue } from '../errors';
import type { Logger } from '../logging/logger';
import { isPlainObject } from '../util/is-plain-object';
import { sleep, type HttpSettings } from './http-request';
import type { ResolvedProvider } from './resolve-provider';

/** How an `LM` or `Embedder` reaches its server: endpoint, credentials, retries and timeouts. */
export interface TransportOptions {
  /** Default: `<PROVIDER>_API_KEY` from the environment (`OPENAI_API_KEY` for `openai/`). Never saved or logged. */
  apiKey?: string;
  /** The OpenAI-compatible endpoint, ending before `/chat/completions` (e.g. `http://localhost:8000/v1`). */
  baseURL?: string;
  /** Extra HTTP headers; never saved, logged or kept in history. */
  headers?: Record<string, string>;
  /** Retries after a rate limit (429), server error (5xx), timeout or network failure (default 3, as DSPy). */
  numRetries?: number;
  /** Time allowed for each attempt, in ms (default 600,000, as OpenAI's client). */
  timeoutMs?: number;
  /** First backoff delay between retries, doubled each retry (default 500 ms). */
  retryBaseDelayMs?: number;
  /** Longest backoff delay between retries (default 8,000 ms). */
  retryMaxDelayMs?: number;
  logger?: Logger;
}

/** The option names above, so LM can tell transport options from request defaults. */
export const TRANSPORT_OPTION_NAMES: ReadonlySet<string> = new Set([
  'apiKey',
  'baseURL',
  'headers',
  'numRetries',
  'timeoutMs',
  'retryBaseDelayMs',
  'retryMaxDelayMs',
  'logger',
]);

export const DEFAULT_NUM_RETRIES = 3;
const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_RETRY_BASE_DELAY_MS = 500;
const DEFAULT_RETRY_MAX_DELAY_MS = 8_000;
const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Validates the transport options and builds the settings `postJson` uses.
 * @throws {ConfigurationError} CONFIGURATION_INVALID for a negative or fractional count, a non-positive timeout, or malformed headers.
 */
export function buildHttpSettings(provider: ResolvedProvider, options: TransportOptions, logger: Logger, owner: string): HttpSettings {
  const numRetries = wholeNumber(options.numRetries, DEFAULT_NUM_RETRIES, 'numRetries', owner, 0);
  const timeoutMs = wholeNumber(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs', owner, 1);
  const baseDelayMs = wholeNumber(options.retryBaseDelayMs, DEFAULT_RETRY_BASE_DELAY_MS, 'retryBaseDelayMs', owner, 0);
  const maxDelayMs = wholeNumber(options.retryMaxDelayMs, DEFAULT_RETRY_MAX_DELAY_MS, 'retryMaxDelayMs', owner, 0);
  return {
    baseURL: provider.baseURL,
    apiKey: provider.apiKey,
    headers: checkHeaders(options.headers, owner),
    numRetries,
    timeoutMs,
    retry: { baseDelayMs, maxDelayMs, maxRetryAfterMs: MAX_RETRY_AFTER_MS, random: Math.random, now: Date.now },
    sleep,
    credentialsHint: provider.credentialsHint,
    logger,
  };
}

/** A whole number ≥ `minimum`, or the default when not given. */
export function wholeNumber(value: unknown, fallback: number, name: string, owner: string, minimum: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    throw new ConfigurationError(describeProblem(`${owner} option ${name} must be a whole number ≥ ${minimum}.`, describeValue(value), `Pass e.g. ${name}: ${Math.max(minimum, fallback)}.`), {
      details: { option: name },
    });
  }
  return value;
}

function checkHeaders(headers: unknown, owner: string): Readonly<Record<string, string>> {
  if (headers === undefined) return {};
  if (!isPlainObject(headers) || !Object.values(headers).every((value) => typeof value === 'string')) {
    // Header values may be credentials: name the problem, never print them.
    throw new ConfigurationError(describeProblem(`${owner} option headers must be an object of strings.`, Array.isArray(headers) ? 'an array' : typeof headers, "Pass e.g. { 'x-api-version': '2' }."), {
      details: { option: 'headers' },
    });
  }
  return Object.freeze({ ...(headers as Record<string, string>) });
}
