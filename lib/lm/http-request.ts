import { DspexError, LMHttpError, LMResponseError, LMTimeoutError, describeProblem } from '../errors';
import type { Logger } from '../logging/logger';
import { retryDelayMs, type RetryDelayOptions } from './retry-delay';

/** How `postJson` reaches an OpenAI-compatible endpoint; built once per LM or Embedder. */
export interface HttpSettings {
  /** Base URL without a trailing slash, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  apiKey: string | undefined;
  /** Extra request headers (they may carry credentials, so they are never logged or saved). */
  headers: Readonly<Record<string, string>>;
  numRetries: number;
  /** Per attempt; `undefined` waits as long as the server takes. */
  timeoutMs: number | undefined;
  retry: RetryDelayOptions;
  /** Waits between retries; rejects with `signal.reason` when the caller aborts. */
  sleep: (delayMs: number, signal: AbortSignal | undefined) => Promise<void>;
  /** What a 401/403 message tells the user to set (environment variable or option). */
  credentialsHint: string;
  logger: Logger;
}

/** Statuses worth retrying: request timeout, rate limit, and server errors (never 400/401/403/404). */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

const EXCERPT_LENGTH = 300;

type AttemptResult = { kind: 'success'; body: unknown } | { kind: 'retryable'; error: DspexError; retryAfter: string | null };

/**
 * POSTs `body` as JSON to `{baseURL}{path}` and returns the parsed JSON reply. Rate limits (429),
 * server errors (5xx), timeouts and network failures are retried up to `numRetries` times with
 * backoff (honouring `Retry-After`); other HTTP errors fail at once.
 * @throws {LMHttpError} LM_HTTP for an HTTP error status, or status 0 when the server cannot be reached.
 * @throws {LMTimeoutError} LM_TIMEOUT when the last attempt outlived `timeoutMs`.
 * @throws {LMResponseError} LM_RESPONSE_INVALID for a success whose body is not JSON.
 * The caller's abort rejects with `signal.reason`, unchanged.
 */
export async function postJson(settings: HttpSettings, path: string, body: Readonly<Record<string, unknown>>, signal?: AbortSignal): Promise<unknown> {
  const url = `${settings.baseURL}${path}`;
  const payload = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (settings.apiKey !== undefined) headers.authorization = `Bearer ${settings.apiKey}`;
  Object.assign(headers, settings.headers);
  for (let attempt = 1; ; attempt += 1) {
    signal?.throwIfAborted();
    if (settings.logger.isLevelEnabled('debug')) settings.logger.debug({ url, attempt, request: body }, 'lm request');
    const result = await attemptOnce(settings, url, payload, headers, attempt, signal);
    if (result.kind === 'success') return result.body;
    if (attempt > settings.numRetries) throw result.error;
    const delayMs = retryDelayMs(attempt, result.retryAfter, settings.retry);
    settings.logger.info({ url, attempt, delayMs, code: result.error.code, status: result.error.details.status }, 'lm request failed; retrying');
    await settings.sleep(delayMs, signal);
  }
}

async function attemptOnce(
  settings: HttpSettings,
  url: string,
  payload: string,
  headers: Record<string, string>,
  attempt: number,
  callerSignal: AbortSignal | undefined,
): Promise<AttemptResult> {
  // A timer aborting a controller (not AbortSignal.timeout) so fake timers can drive it in tests.
  const timeout = settings.timeoutMs === undefined ? undefined : new AbortController();
  const timer = timeout === undefined ? undefined : setTimeout(() => timeout.abort(), settings.timeoutMs);
  const signal = timeout === undefined ? callerSignal : callerSignal === undefined ? timeout.signal : AbortSignal.any([callerSignal, timeout.signal]);
  try {
    const response = await fetch(url, { method: 'POST', headers, body: payload, signal });
    // Read the body under the same timer: a server may send headers and then stall.
    const text = await response.text();
    if (!response.ok) {
      const error = httpStatusError(settings, url, response.status, text, attempt);
      if (!isRetryableStatus(response.status)) throw error;
      return { kind: 'retryable', error, retryAfter: response.headers.get('retry-after') };
    }
    return { kind: 'success', body: parseJsonBody(settings, url, text) };
  } catch (error) {
    if (DspexError.is(error)) throw error;
    if (callerSignal?.aborted) throw callerSignal.reason;
    if (timeout?.signal.aborted) {
      const timeoutError = new LMTimeoutError(
        describeProblem(`The LM request to ${url} took longer than timeoutMs (${settings.timeoutMs} ms).`, `attempt ${attempt} of ${settings.numRetries + 1}`, 'Raise timeoutMs, or check that the server is not overloaded.'),
        { details: { url, timeoutMs: settings.timeoutMs, attempts: attempt } },
      );
      return { kind: 'retryable', error: timeoutError, retryAfter: null };
    }
    const reason = networkReason(error);
    const networkError = new LMHttpError(
      describeProblem(`Could not reach the LM endpoint ${url}.`, reason, 'Check baseURL and that the server is running.'),
      { status: 0, cause: error, details: { url, attempts: attempt } },
    );
    return { kind: 'retryable', error: networkError, retryAfter: null };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

function httpStatusError(settings: HttpSettings, url: string, status: number, text: string, attempt: number): LMHttpError {
  const bodyExcerpt = excerpt(settings, text);
  let fix: string;
  if (status === 401 || status === 403) fix = settings.credentialsHint;
  else if (status === 404) fix = 'Check the model name and baseURL (it ends before /chat/completions, e.g. http://localhost:11434/v1).';
  else if (status === 429) fix = `Rate limited after ${attempt} attempt(s); raise numRetries or send fewer requests at once.`;
  else if (status >= 500) fix = `The server failed after ${attempt} attempt(s); try again later or raise numRetries.`;
  else fix = 'The server rejected the request; check the options (temperature, maxTokens, …) this model accepts.';
  return new LMHttpError(describeProblem(`The LM endpoint ${url} answered HTTP ${status}.`, bodyExcerpt === '' ? 'an empty body' : JSON.stringify(bodyExcerpt), fix), {
    status,
    details: { url, bodyExcerpt, attempts: attempt },
  });
}

function parseJsonBody(settings: HttpSettings, url: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new LMResponseError(
      describeProblem(`The LM endpoint ${url} answered with a body that is not JSON.`, JSON.stringify(excerpt(settings, text)), 'Check that baseURL points at an OpenAI-compatible API (usually ending in /v1).'),
      { cause: error, details: { url, bodyExcerpt: excerpt(settings, text) } },
    );
  }
}

/** The start of a reply body, with the API key scrubbed in case the server echoes it. */
export function excerpt(settings: Pick<HttpSettings, 'apiKey'>, text: string): string {
  // Scrub before cutting, so a key split by the cut cannot leak its first half.
  const scrubbed = settings.apiKey ? text.split(settings.apiKey).join('[redacted]') : text;
  return scrubbed.length > EXCERPT_LENGTH ? `${scrubbed.slice(0, EXCERPT_LENGTH)}…` : scrubbed;
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Waits `delayMs`, or rejects with `signal.reason` as soon as the caller aborts. */
export function sleep(delayMs: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
