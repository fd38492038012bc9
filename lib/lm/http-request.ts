import { DspexError, LMHttpError, LMResponseError, LMTimeoutError, describeProblem } from '../errors';
import type { Logger } from '../logging/logger';
import { readBodyWithLimit } from './read-body';
import { parseRetryAfterMs, retryDelayMs, type RetryDelayOptions } from './retry-delay';
import { scrubParsedJson, scrubText } from './scrub-secrets';

/** How `postJson` reaches an OpenAI-compatible endpoint; built once per LM or Embedder. */
export interface HttpSettings {
  /** Base URL without a trailing slash, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  apiKey: string | undefined;
  /** Extra request headers (they may carry credentials, so they are never logged or saved). */
  headers: Readonly<Record<string, string>>;
  /** The API key and credential-like header values, scrubbed from every reply and error (longest first). */
  secrets: readonly string[];
  numRetries: number;
  /** Per attempt; `undefined` waits as long as the server takes. */
  timeoutMs: number | undefined;
  /** Largest body read; a larger one is aborted while it streams in. */
  maxResponseBytes: number;
  retry: RetryDelayOptions;
  /** Waits between retries; rejects with `signal.reason` when the caller aborts. */
  sleep: (delayMs: number, signal: AbortSignal | undefined) => Promise<void>;
  /** What a 401/403 message tells the user to set (environment variable or option). */
  credentialsHint: string;
  logger: Logger;
}

/** Statuses worth retrying: request timeout, rate limit, and server errors (never 400/401/403/404). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

const EXCERPT_LENGTH = 300;
/** An error body is only read for its excerpt. */
export const ERROR_BODY_BYTES = 64 * 1024;

export type AttemptResult = { kind: 'success'; body: unknown } | { kind: 'retryable'; error: DspexError; retryAfter: string | null };

/**
 * POSTs `body` as JSON to `{baseURL}{path}` and returns the parsed JSON reply, with the secrets
 * scrubbed. Rate limits (429), server errors (5xx), timeouts and network failures are retried up to
 * `numRetries` times with backoff (honouring `Retry-After` up to `maxRetryAfterMs` and the time the
 * call has left); other HTTP errors fail at once. Redirects are never followed.
 * @throws {LMHttpError} LM_HTTP for an HTTP error status or redirect, a `Retry-After` beyond the budget, or status 0 when the server cannot be reached.
 * @throws {LMTimeoutError} LM_TIMEOUT when the last attempt outlived `timeoutMs`.
 * @throws {LMResponseError} LM_RESPONSE_INVALID for a body over `maxResponseBytes`, or a success whose body is not JSON.
 * The caller's abort rejects with `signal.reason`, unchanged.
 */
export async function postJson(settings: HttpSettings, path: string, body: Readonly<Record<string, unknown>>, signal?: AbortSignal): Promise<unknown> {
  const attempt: RequestAttempt<AttemptResult> = (url, payload, headers, count) => attemptOnce(settings, url, payload, headers, count, signal);
  return (await sendWithRetries(settings, { path, body, accept: 'application/json', label: 'lm request' }, attempt, signal)).body;
}

/** A request's failure that a later attempt may cure. */
export type RetryableFailure = Extract<AttemptResult, { kind: 'retryable' }>;

/** One try at a request, given the URL, serialised body, headers and attempt number (from 1). */
export type RequestAttempt<R extends { kind: string }> = (url: string, payload: string, headers: Record<string, string>, attempt: number) => Promise<R>;

/**
 * The retry loop every request kind shares (a JSON reply or an event stream): the body is serialised
 * once, each retryable failure waits its delay (or the server's `Retry-After`, bounded), and the last
 * failure is thrown once `numRetries` are spent.
 */
export async function sendWithRetries<R extends { kind: 'success' } | RetryableFailure>(
  settings: HttpSettings,
  request: { path: string; body: Readonly<Record<string, unknown>>; accept: string; label: string },
  attemptRequest: RequestAttempt<R>,
  signal: AbortSignal | undefined,
): Promise<Exclude<R, RetryableFailure>> {
  const url = `${settings.baseURL}${request.path}`;
  const payload = JSON.stringify(request.body);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: request.accept };
  if (settings.apiKey !== undefined) headers.authorization = `Bearer ${settings.apiKey}`;
  Object.assign(headers, settings.headers);
  for (let attempt = 1; ; attempt += 1) {
    signal?.throwIfAborted();
    if (settings.logger.isLevelEnabled('debug')) settings.logger.debug({ url, attempt, request: request.body }, request.label);
    const result = await attemptRequest(url, payload, headers, attempt);
    if (result.kind === 'success') return result as Exclude<R, RetryableFailure>;
    const failure = result as RetryableFailure;
    if (attempt > settings.numRetries) throw failure.error;
    checkRetryAfter(settings, url, failure, attempt);
    const delayMs = retryDelayMs(attempt, failure.retryAfter, settings.retry);
    settings.logger.info({ url, attempt, delayMs, code: failure.error.code, status: failure.error.details.status }, `${request.label} failed; retrying`);
    await settings.sleep(delayMs, signal);
  }
}

function checkRetryAfter(settings: HttpSettings, url: string, result: Extract<AttemptResult, { kind: 'retryable' }>, attempt: number): void {
  if (result.retryAfter === null) return;
  const retryAfterMs = parseRetryAfterMs(result.retryAfter, settings.retry.now());
  if (retryAfterMs === undefined) return;
  const attemptsLeft = settings.numRetries + 1 - attempt;
  const timeLeftMs = settings.timeoutMs === undefined ? Infinity : settings.timeoutMs * attemptsLeft;
  const limitMs = Math.min(settings.retry.maxRetryAfterMs, timeLeftMs);
  if (retryAfterMs <= limitMs) return;
  const status = typeof result.error.details.status === 'number' ? result.error.details.status : 0;
  const limit =
    retryAfterMs > settings.retry.maxRetryAfterMs ? `maxRetryAfterMs (${settings.retry.maxRetryAfterMs} ms)` : `the time the call has left (${timeLeftMs} ms)`;
  throw new LMHttpError(
    describeProblem(
      `The LM endpoint ${url} answered HTTP ${status} and asked to wait ${retryAfterMs} ms before retrying, longer than ${limit}.`,
      `Retry-After: ${result.retryAfter}`,
      'Try again later, or raise maxRetryAfterMs (and timeoutMs) if waiting that long is acceptable.',
    ),
    { status, cause: result.error, details: { url, retryAfterMs, maxRetryAfterMs: settings.retry.maxRetryAfterMs, attempts: attempt } },
  );
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
  const attemptController = new AbortController();
  let timedOut = false;
  const timer = settings.timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), attemptController.abort()), settings.timeoutMs);
  const signal = callerSignal === undefined ? attemptController.signal : AbortSignal.any([callerSignal, attemptController.signal]);
  try {
    // redirect 'manual': Authorization and custom headers must never reach another origin, and a POST never turns into a GET.
    const response = await fetch(url, { method: 'POST', headers, body: payload, signal, redirect: 'manual' });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      throw redirectError(settings, url, response.status, response.headers.get('location'), attempt);
    }
    // Read the body under the same timer: a server may send headers and then stall.
    if (!response.ok) {
      const text = await readBodyWithLimit(response, Math.min(settings.maxResponseBytes, ERROR_BODY_BYTES), { truncate: true });
      const error = httpStatusError(settings, url, response.status, text, attempt);
      if (!isRetryableStatus(response.status)) throw error;
      return { kind: 'retryable', error, retryAfter: response.headers.get('retry-after') };
    }
    const text = await readBodyWithLimit(response, settings.maxResponseBytes, { truncate: false });
    if (text === undefined) throw tooLargeError(settings, url, response.headers.get('content-length'));
    return { kind: 'success', body: scrubParsedJson(parseJsonBody(settings, url, text), settings.secrets) };
  } catch (error) {
    if (DspexError.is(error)) throw error;
    if (callerSignal?.aborted) throw callerSignal.reason;
    if (timedOut) {
      const timeoutError = new LMTimeoutError(
        describeProblem(
          `The LM request to ${url} took longer than timeoutMs (${settings.timeoutMs} ms).`,
          `attempt ${attempt} of ${settings.numRetries + 1}`,
          'Raise timeoutMs, or check that the server is not overloaded.',
        ),
        { details: { url, timeoutMs: settings.timeoutMs, attempts: attempt } },
      );
      return { kind: 'retryable', error: timeoutError, retryAfter: null };
    }
    const reason = networkReason(error);
    const networkError = new LMHttpError(
      describeProblem(`Could not reach the LM endpoint ${url}.`, scrubText(reason, settings.secrets), 'Check baseURL and that the server is running.'),
      { status: 0, cause: error, details: { url, attempts: attempt } },
    );
    return { kind: 'retryable', error: networkError, retryAfter: null };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    // Frees the connection of a body left unread (a too-large or failed reply).
    attemptController.abort();
  }
}

export function redirectError(settings: HttpSettings, url: string, status: number, location: string | null, attempt: number): LMHttpError {
  const target = location === null ? undefined : scrubText(location, settings.secrets);
  return new LMHttpError(
    describeProblem(
      `The LM endpoint ${url} answered HTTP ${status}, a redirect${target === undefined ? '' : ` to ${target}`}; dspex does not follow redirects, so credentials never reach another address.`,
      `Location: ${target ?? '(none)'}`,
      'Set baseURL to the final address yourself if you trust it.',
    ),
    { status, details: { url, location: target, attempts: attempt } },
  );
}

export function tooLargeError(settings: HttpSettings, url: string, contentLength: string | null): LMResponseError {
  return new LMResponseError(
    describeProblem(
      `The LM endpoint ${url} sent a body larger than maxResponseBytes (${settings.maxResponseBytes} bytes); it was not read.`,
      contentLength === null ? 'a body past the limit' : `content-length ${contentLength}`,
      'Ask for less (maxTokens, n), or raise maxResponseBytes if the server is trusted.',
    ),
    { details: { url, maxResponseBytes: settings.maxResponseBytes } },
  );
}

export function httpStatusError(settings: HttpSettings, url: string, status: number, text: string | undefined, attempt: number): LMHttpError {
  const bodyExcerpt = excerpt(settings, text ?? '');
  let fix: string;
  if (status === 401 || status === 403) fix = settings.credentialsHint;
  else if (status === 404) fix = 'Check the model name and baseURL (it ends before /chat/completions, e.g. http://localhost:11434/v1).';
  else if (status === 429) fix = `Rate limited after ${attempt} attempt(s); raise numRetries or send fewer requests at once.`;
  else if (status >= 500) fix = `The server failed after ${attempt} attempt(s); try again later or raise numRetries.`;
  else fix = 'The server rejected the request; check the options (temperature, maxTokens, …) this model accepts.';
  return new LMHttpError(
    describeProblem(`The LM endpoint ${url} answered HTTP ${status}.`, bodyExcerpt === '' ? 'an empty body' : JSON.stringify(bodyExcerpt), fix),
    {
      status,
      details: { url, bodyExcerpt, attempts: attempt },
    },
  );
}

function parseJsonBody(settings: HttpSettings, url: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new LMResponseError(
      describeProblem(
        `The LM endpoint ${url} answered with a body that is not JSON.`,
        JSON.stringify(excerpt(settings, text)),
        'Check that baseURL points at an OpenAI-compatible API (usually ending in /v1).',
      ),
      { cause: error, details: { url, bodyExcerpt: excerpt(settings, text) } },
    );
  }
}

/** The start of a reply body, with the secrets scrubbed in case the server echoes them. */
export function excerpt(settings: Pick<HttpSettings, 'secrets'>, text: string): string {
  // Scrub before cutting, so a secret split by the cut cannot leak its first half.
  const scrubbed = scrubText(text, settings.secrets);
  return scrubbed.length > EXCERPT_LENGTH ? `${scrubbed.slice(0, EXCERPT_LENGTH)}…` : scrubbed;
}

export function networkReason(error: unknown): string {
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
