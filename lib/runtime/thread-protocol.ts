import { ERROR_CODES } from '../errors/error-codes';
import type { EncodedError } from './cluster-error-codec';
import type { ParameterBounds } from '../primitives/parameter-constraints';
import type { ParameterValueType } from '../primitives/parameter-handle';
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

/**
 * A `@Parameter({ shared })` of the thread's instance, described as data so the supervisor's side
 * can check values for it before its `ParameterStore` stores them: the facts `ParameterHandle.check`
 * uses that can cross (value type, the problems of null, the `@Min`/`@Max`/`@IsInt`/`@IsIn` bounds).
 */
export interface ThreadSharedParameter {
  /** The `ParameterStore` key. */
  readonly key: string;
  /** Its path in the instance (`temperature`, `draft.temperature`), as `setParameter` takes it. */
  readonly path: string;
  /** Its value in the thread (the initializer's until the store's arrives). */
  readonly value: unknown;
  /** The kind of value it holds, fixed by its first value. */
  readonly type: ParameterValueType | undefined;
  /** What `check(null)` says in the thread (empty when null is allowed). */
  readonly nullProblems: readonly string[];
  readonly bounds: ParameterBounds;
}

/** Supervisor's side → thread. */
export type HostMessage =
  /** The supervisor's store holds `value` under the shared `key` (at start, and on every set). */
  | { readonly type: 'shared'; readonly key: string; readonly value: unknown }
  | { readonly type: 'forward'; readonly id: number; readonly inputs: ThreadInputs }
  | { readonly type: 'abort'; readonly id: number }
  | { readonly type: 'get'; readonly id: number; readonly path: string }
  | { readonly type: 'set'; readonly id: number; readonly path: string; readonly value: unknown }
  | { readonly type: 'load'; readonly id: number; readonly state: Record<string, unknown> };

/** Thread → supervisor's side. */
export type ThreadMessage =
  /** The instance is built; `state` is its `dumpState()`, `shared` its shared parameters. */
  | { readonly type: 'ready'; readonly state: Record<string, unknown>; readonly shared: readonly ThreadSharedParameter[] }
  /** Loading the file or constructing the instance failed; the thread ends. */
  | { readonly type: 'start-failed'; readonly error: EncodedError }
  /** The instance's state changed (a parameter set, state loaded, or changed by a call). */
  | { readonly type: 'state'; readonly state: Record<string, unknown> }
  /** The instance set the shared `key` (its constraints passed in the thread). */
  | { readonly type: 'shared'; readonly key: string; readonly value: unknown }
  /** The instance's constraints refused the store's value for `key`: it keeps its previous one. */
  | { readonly type: 'shared-rejected'; readonly key: string; readonly problems: readonly string[] }
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

const isKey = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((entry) => typeof entry === 'string');
const VALUE_TYPES: ReadonlySet<unknown> = new Set<ParameterValueType>(['number', 'string', 'boolean', 'array', 'object']);
const isOptionalNumber = (value: unknown): boolean => value === undefined || (typeof value === 'number' && !Number.isNaN(value));

function parseBounds(value: unknown): ParameterBounds | undefined {
  if (!isPlainObject(value) || !isOptionalNumber(value.min) || !isOptionalNumber(value.max)) return undefined;
  if (!(value.isInt === undefined || typeof value.isInt === 'boolean') || !(value.allowed === undefined || Array.isArray(value.allowed))) return undefined;
  return {
    ...(value.min !== undefined ? { min: value.min as number } : {}),
    ...(value.max !== undefined ? { max: value.max as number } : {}),
    ...(value.isInt !== undefined ? { isInt: value.isInt } : {}),
    ...(value.allowed !== undefined ? { allowed: value.allowed as unknown[] } : {}),
  };
}

/** The shared parameters a `ready` message lists; undefined when any entry is malformed. */
function parseSharedParameters(value: unknown): ThreadSharedParameter[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const parameters: ThreadSharedParameter[] = [];
  for (const entry of value as unknown[]) {
    if (!isPlainObject(entry) || !isKey(entry.key) || !isKey(entry.path) || !isStringArray(entry.nullProblems)) return undefined;
    if (!(entry.type === undefined || VALUE_TYPES.has(entry.type))) return undefined;
    const bounds = parseBounds(entry.bounds);
    if (bounds === undefined) return undefined;
    parameters.push({
      key: entry.key,
      path: entry.path,
      value: entry.value,
      type: entry.type as ParameterValueType | undefined,
      nullProblems: entry.nullProblems,
      bounds,
    });
  }
  return parameters;
}

/**
 * Checks a message received from a worker thread; undefined when it is not one the protocol knows
 * (the supervisor's side then ends that thread: it no longer follows the protocol).
 */
export function parseThreadMessage(value: unknown): ThreadMessage | undefined {
  if (!isPlainObject(value)) return undefined;
  switch (value.type) {
    case 'ready': {
      const shared = parseSharedParameters(value.shared);
      return isPlainObject(value.state) && shared !== undefined ? { type: 'ready', state: value.state, shared } : undefined;
    }
    case 'state':
      return isPlainObject(value.state) ? { type: 'state', state: value.state } : undefined;
    case 'shared':
      return isKey(value.key) ? { type: 'shared', key: value.key, value: value.value } : undefined;
    case 'shared-rejected':
      return isKey(value.key) && isStringArray(value.problems) ? { type: 'shared-rejected', key: value.key, problems: value.problems } : undefined;
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
