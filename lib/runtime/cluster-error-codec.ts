import * as errors from '../errors';
import { DspexError } from '../errors';

/** An error as it travels from a worker to the caller: plain JSON. */
export interface EncodedError {
  /** The class name (`ModuleCrashedError`, `TypeError`, …). */
  readonly name: string;
  readonly code?: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
  /** Typed fields some classes carry besides `details` (`LMHttpError.status`, …). */
  readonly fields?: Record<string, unknown>;
  /** The cause, as text (`TypeError: boom`), and its code when it had one. */
  readonly cause?: string;
  readonly causeCode?: string;
  readonly stack?: string;
}

const STANDARD_KEYS = new Set(['name', 'code', 'message', 'details', 'cause', 'stack']);

/** JSON-safe copy (drops functions, cycles and other values JSON cannot carry). */
function plain(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value) ?? 'null') as unknown;
  } catch {
    return undefined;
  }
}

function describeCause(cause: unknown): string | undefined {
  if (cause === undefined) return undefined;
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return typeof cause === 'string' ? cause : String(plain(cause) ?? cause);
}

/** Encodes an error a worker saw, keeping class name, code, message, details, typed fields and the cause as text. */
export function encodeError(error: unknown): EncodedError {
  if (!(error instanceof Error)) return { name: 'Error', message: describeCause(error) ?? 'unknown error' };
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(error)) if (!STANDARD_KEYS.has(key)) fields[key] = plain((error as unknown as Record<string, unknown>)[key]);
  const cause = error.cause;
  return {
    name: error.name,
    ...(DspexError.is(error) ? { code: error.code, details: plain(error.details) as Record<string, unknown> } : {}),
    message: error.message,
    ...(Object.keys(fields).length > 0 ? { fields } : {}),
    ...(cause !== undefined ? { cause: describeCause(cause) } : {}),
    ...(DspexError.is(cause) ? { causeCode: cause.code } : {}),
    ...(error.stack !== undefined ? { stack: error.stack } : {}),
  };
}

type ErrorClass = new (message: string, options?: errors.DspexErrorOptions & Record<string, unknown>) => DspexError;

/** The public error classes by class name. */
const CLASSES = new Map<string, ErrorClass>(
  Object.entries(errors)
    .filter(([, value]) => typeof value === 'function' && value.prototype instanceof DspexError)
    .map(([name, value]) => [name, value as unknown as ErrorClass]),
);

/**
 * Rebuilds an encoded error on the caller's side as the same class with the same code, message,
 * details and typed fields (`origin` names where it was thrown, in the stack); the cause arrives as text (an `Error` whose message is the original's
 * `name: message`). Errors that are not dspex errors come back as plain `Error`s with their name.
 */
export function decodeError(encoded: EncodedError, origin = 'a cluster worker'): Error {
  const cause =
    encoded.cause === undefined ? undefined : Object.assign(new Error(encoded.cause), encoded.causeCode === undefined ? {} : { code: encoded.causeCode });
  const options = { ...(encoded.fields ?? {}), details: encoded.details ?? {}, ...(cause !== undefined ? { cause } : {}) };
  const Class = CLASSES.get(encoded.name);
  let error: Error;
  if (Class !== undefined) {
    error = new Class(encoded.message, options);
  } else if (encoded.code !== undefined) {
    error = new DspexError(encoded.code as errors.DspexErrorCode, encoded.message, options);
    error.name = encoded.name;
  } else {
    error = new Error(encoded.message, cause === undefined ? undefined : { cause });
    error.name = encoded.name;
  }
  for (const [key, value] of Object.entries(encoded.fields ?? {})) {
    if (!(key in error)) Object.defineProperty(error, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (encoded.stack !== undefined) error.stack = `${encoded.stack}\n    (thrown in ${origin}; rebuilt on the caller's side)`;
  return error;
}
