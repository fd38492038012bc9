/** How long to wait before retrying a failed LM request. */
export interface RetryDelayOptions {
  /** First backoff delay; doubles with each retry (default 500 ms, as OpenAI's and litellm's clients). */
  baseDelayMs: number;
  /** Longest backoff delay (default 8 s). */
  maxDelayMs: number;
  /** Longest wait a server's `Retry-After` may impose (default 60 s). */
  maxRetryAfterMs: number;
  /** Source of jitter in [0, 1). */
  random: () => number;
  /** Current time in ms since the epoch, for `Retry-After` dates. */
  now: () => number;
}

/**
 * The delay before retry number `retry` (1-based): the server's `Retry-After` when it sent one
 * (seconds or an HTTP date, capped at `maxRetryAfterMs`), else exponential backoff with jitter.
 * Jitter keeps three quarters to all of the delay, so many clients throttled together spread out.
 */
export function retryDelayMs(retry: number, retryAfter: string | null, options: RetryDelayOptions): number {
  const fromServer = retryAfter === null ? undefined : parseRetryAfterMs(retryAfter, options.now());
  if (fromServer !== undefined) return Math.min(fromServer, options.maxRetryAfterMs);
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.round(exponential * (1 - 0.25 * options.random()));
}

/**
 * `Retry-After` in milliseconds: delta-seconds (`"2"`, `"0.5"`) or an HTTP date (RFC 9110 §10.2.3);
 * `undefined` when the value is neither. A date in the past means "now".
 */
export function parseRetryAfterMs(value: string, nowMs: number): number | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date always names a day or month; this keeps Date.parse from reading "-1" as a year.
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
