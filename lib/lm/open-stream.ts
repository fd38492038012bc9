import { DspexError, LMHttpError, LMTimeoutError, describeProblem } from '../errors';
import {
  ERROR_BODY_BYTES,
  httpStatusError,
  isRetryableStatus,
  networkReason,
  redirectError,
  sendWithRetries,
  tooLargeError,
  type HttpSettings,
  type RequestAttempt,
  type RetryableFailure,
} from './http-request';
import { readBodyWithLimit } from './read-body';
import { scrubText } from './scrub-secrets';

/** A streamed reply whose status was a success and whose first bytes have arrived. */
export interface OpenedStream {
  readonly url: string;
  /** The reply's `content-type` (lower case), `''` when absent. */
  readonly contentType: string;
  /**
   * The body's chunks, the first one included; at most `maxResponseBytes` in all (more is an
   * `LMResponseError`). A failure after the first byte is not retried: part of the reply was seen.
   * @throws {LMHttpError} LM_HTTP (status 0) when the connection breaks mid-stream.
   * @throws {LMTimeoutError} LM_TIMEOUT when the whole stream outlives `timeoutMs`.
   */
  chunks(): AsyncGenerator<Uint8Array, void, undefined>;
  /** Stops the transfer and closes the connection; safe to call more than once. */
  close(): void;
}

type OpenResult = { kind: 'success'; stream: OpenedStream } | RetryableFailure;

/**
 * POSTs `body` as JSON asking for a stream (`accept: text/event-stream`) and returns once the
 * first body bytes are in. Until then it behaves as `postJson`: rate limits, server errors,
 * timeouts and network failures are retried with backoff, other statuses fail at once, redirects
 * are never followed. `timeoutMs` bounds each attempt from the request to the stream's last byte.
 * @throws {LMHttpError} LM_HTTP for an HTTP error status, a redirect, or status 0 when the server cannot be reached.
 * @throws {LMTimeoutError} LM_TIMEOUT when the last attempt outlived `timeoutMs` before its first byte.
 * The caller's abort rejects with `signal.reason`, unchanged, and closes the connection.
 */
export async function openStream(settings: HttpSettings, path: string, body: Readonly<Record<string, unknown>>, signal?: AbortSignal): Promise<OpenedStream> {
  const attempt: RequestAttempt<OpenResult> = (url, payload, headers, count) => attemptOpen(settings, url, payload, headers, count, signal);
  return (await sendWithRetries(settings, { path, body, accept: 'text/event-stream', label: 'lm stream request' }, attempt, signal)).stream;
}

async function attemptOpen(
  settings: HttpSettings,
  url: string,
  payload: string,
  headers: Record<string, string>,
  attempt: number,
  callerSignal: AbortSignal | undefined,
): Promise<OpenResult> {
  // A timer aborting a controller (not AbortSignal.timeout) so fake timers can drive it in tests.
  const controller = new AbortController();
  const state = { timedOut: false };
  const timer = settings.timeoutMs === undefined ? undefined : setTimeout(() => ((state.timedOut = true), controller.abort()), settings.timeoutMs);
  const signal = callerSignal === undefined ? controller.signal : AbortSignal.any([callerSignal, controller.signal]);
  const close = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    // Aborting the request destroys its socket: the server sees the connection close.
    controller.abort();
  };
  let opened = false;
  try {
    const response = await fetch(url, { method: 'POST', headers, body: payload, signal, redirect: 'manual' });
    if (response.status >= 300 && response.status < 400) throw redirectError(settings, url, response.status, response.headers.get('location'), attempt);
    if (!response.ok) {
      const text = await readBodyWithLimit(response, Math.min(settings.maxResponseBytes, ERROR_BODY_BYTES), { truncate: true });
      const error = httpStatusError(settings, url, response.status, text, attempt);
      if (!isRetryableStatus(response.status)) throw error;
      return { kind: 'retryable', error, retryAfter: response.headers.get('retry-after') };
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > settings.maxResponseBytes) throw tooLargeError(settings, url, response.headers.get('content-length'));
    const reader = response.body?.getReader();
    // The first read is part of the attempt: a connection lost before any byte can still be retried.
    const first = reader === undefined ? undefined : await reader.read();
    opened = true;
    const stream: OpenedStream = {
      url,
      contentType: (response.headers.get('content-type') ?? '').toLowerCase(),
      chunks: () => readChunks(settings, url, reader, first, { callerSignal, state, attempt }),
      close,
    };
    return { kind: 'success', stream };
  } catch (error) {
    const failure = streamFailure(settings, url, error, { callerSignal, state, attempt });
    if (failure instanceof LMHttpError && failure.status !== 0) throw failure;
    if (!(failure instanceof LMHttpError) && !(failure instanceof LMTimeoutError)) throw failure;
    return { kind: 'retryable', error: failure, retryAfter: null };
  } finally {
    if (!opened) close();
  }
}

interface ReadContext {
  readonly callerSignal: AbortSignal | undefined;
  readonly state: { timedOut: boolean };
  readonly attempt: number;
}

async function* readChunks(
  settings: HttpSettings,
  url: string,
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined,
  first: ReadableStreamReadResult<Uint8Array> | undefined,
  context: ReadContext,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (reader === undefined || first === undefined) return;
  let total = 0;
  try {
    for (let result = first; !result.done; result = await reader.read()) {
      total += result.value.byteLength;
      if (total > settings.maxResponseBytes) throw tooLargeError(settings, url, null);
      yield result.value;
    }
  } catch (error) {
    throw streamFailure(settings, url, error, context, true);
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * The error a failed read stands for: our own typed errors as they are, the caller's abort as its
 * reason, a timeout as `LMTimeoutError`, anything else as a lost connection (`LMHttpError`, status 0).
 */
function streamFailure(settings: HttpSettings, url: string, error: unknown, context: ReadContext, midStream = false): unknown {
  if (DspexError.is(error)) return error;
  if (context.callerSignal?.aborted) return context.callerSignal.reason;
  const where = midStream ? ' while the reply was streaming' : '';
  if (context.state.timedOut) {
    return new LMTimeoutError(
      describeProblem(
        `The LM request to ${url} took longer than timeoutMs (${settings.timeoutMs} ms)${where}.`,
        `attempt ${context.attempt} of ${settings.numRetries + 1}`,
        'Raise timeoutMs (it bounds a streamed reply from request to last byte), or check that the server is not overloaded.',
      ),
      { details: { url, timeoutMs: settings.timeoutMs, attempts: context.attempt, midStream } },
    );
  }
  const reason = scrubText(networkReason(error), settings.secrets);
  return new LMHttpError(
    describeProblem(
      midStream
        ? `The connection to the LM endpoint ${url} broke${where}; it is not retried, as part of the reply was read.`
        : `Could not reach the LM endpoint ${url}.`,
      reason,
      midStream ? 'Call again; check the server and any proxy between for dropped connections.' : 'Check baseURL and that the server is running.',
    ),
    { status: 0, cause: error, details: { url, attempts: context.attempt, midStream } },
  );
}
