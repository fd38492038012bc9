import { ERROR_CODES } from '../errors/error-codes';
import type { EncodedError } from './cluster-error-codec';
import type { EncodedPrediction } from './prediction-codec';

/**
 * The messages between a thread-isolated child's instance (in its worker thread) and the
 * supervisor's side. Everything crosses by structured clone; the supervisor's side treats what
 * comes from the thread as data and checks its shape (`parseThreadMessage`) before using it.
 */

/** How the worker finds the module: a compiled JavaScript file, the class it exports, constructor arguments. */
export interface ThreadStartData {
  readonly module: string;
  readonly export: string;
  readonly args: readonly unknown[];
}

/** Inputs as they cross: plain fields, or an Example's fields and input keys (rebuilt as an Example in the thread). */
export type ThreadInputs =
  | { readonly kind: 'fields'; readonly fields: Record<string, unknown> }
  | { readonly kind: 'example'; readonly fields: Record<string, unknown>; readonly inputKeys: readonly string[] | undefined };

/** Supervisor's side → thread. */
export type HostMessage =
  | { readonly type: 'forward'; readonly id: number; readonly inputs: ThreadInputs }
  | { readonly type: 'abort'; readonly id: number }
  | { readonly type: 'get'; readonly id: number; readonly path: string }
  | { readonly type: 'set'; readonly id: number; readonly path: string; readonly value: unknown }
  | { readonly type: 'load'; readonly id: number; readonly state: Record<string, unknown> };

/** Thread → supervisor's side. */
export type ThreadMessage =
  /** The instance is built; `state` is its `dumpState()`. */
  | { readonly type: 'ready'; readonly state: Record<string, unknown> }
  /** Loading the file or constructing the instance failed; the thread ends. */
  | { readonly type: 'start-failed'; readonly error: EncodedError }
  /** The instance's state changed (a parameter set, state loaded, or changed by a call). */
  | { readonly type: 'state'; readonly state: Record<string, unknown> }
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly value: unknown; readonly prediction?: EncodedPrediction }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly error: EncodedError };

/**
 * A plain object of any realm: what arrives from a thread was built by the structured-clone
 * algorithm in this thread's main realm, which need not be the realm this code runs in (a vm context).
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || (Object.getPrototypeOf(prototype) === null && Object.prototype.toString.call(value) === '[object Object]');
}

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

const isOptionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';
const isOptionalRecord = (value: unknown): boolean => value === undefined || isPlainObject(value);

/** An error as the thread encoded it, with a code only when it is one of dspex's. */
function parseError(value: unknown): EncodedError | undefined {
  if (!isPlainObject(value) || typeof value.name !== 'string' || typeof value.message !== 'string') return undefined;
  if (!isOptionalString(value.cause) || !isOptionalString(value.causeCode) || !isOptionalString(value.stack)) return undefined;
  if (!isOptionalRecord(value.details) || !isOptionalRecord(value.fields) || !isOptionalString(value.code)) return undefined;
  const code = typeof value.code === 'string' && KNOWN_CODES.has(value.code) ? value.code : undefined;
  return {
    name: value.name,
    message: value.message,
    ...(code !== undefined ? { code, details: (value.details as Record<string, unknown> | undefined) ?? {} } : {}),
    ...(value.fields !== undefined ? { fields: value.fields as Record<string, unknown> } : {}),
    ...(value.cause !== undefined ? { cause: value.cause as string } : {}),
    ...(value.causeCode !== undefined && KNOWN_CODES.has(value.causeCode as string) ? { causeCode: value.causeCode as string } : {}),
    ...(value.stack !== undefined ? { stack: value.stack as string } : {}),
  };
}

function parsePrediction(value: unknown): EncodedPrediction | undefined {
  if (!isPlainObject(value) || !isPlainObject(value.fields)) return undefined;
  const completions = value.completions;
  if (completions !== undefined && !(Array.isArray(completions) && completions.every((entry) => isPlainObject(entry)))) return undefined;
  return { fields: value.fields, ...(completions !== undefined ? { completions: completions as Record<string, unknown>[] } : {}) };
}

const isCallId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

/**
 * Checks a message received from a worker thread; undefined when it is not one the protocol knows
 * (the supervisor's side then ends that thread: it no longer follows the protocol).
 */
export function parseThreadMessage(value: unknown): ThreadMessage | undefined {
  if (!isPlainObject(value)) return undefined;
  switch (value.type) {
    case 'ready':
    case 'state':
      return isPlainObject(value.state) ? { type: value.type, state: value.state } : undefined;
    case 'start-failed': {
      const error = parseError(value.error);
      return error === undefined ? undefined : { type: 'start-failed', error };
    }
    case 'result': {
      if (!isCallId(value.id)) return undefined;
      if (value.ok === false) {
        const error = parseError(value.error);
        return error === undefined ? undefined : { type: 'result', id: value.id, ok: false, error };
      }
      if (value.ok !== true) return undefined;
      if (value.prediction === undefined) return { type: 'result', id: value.id, ok: true, value: value.value };
      const prediction = parsePrediction(value.prediction);
      return prediction === undefined ? undefined : { type: 'result', id: value.id, ok: true, value: undefined, prediction };
    }
    default:
      return undefined;
  }
}
