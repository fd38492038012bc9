import { DspexError, type DspexErrorCode } from '../errors';

/**
 * Which errors escaping a supervised `forward` are crashes (the instance is replaced) rather than
 * call failures (only that call fails): `'unexpected'` (default) treats the codes in
 * `CALL_FAILURE_CODES` as call failures, `'any'` makes every error a crash, and a function decides
 * for each `DspexError`. An error that is not a `DspexError` is always a crash.
 * @default 'unexpected'
 * @example
 * await supervisor.startChild({ id: 'qa', start: () => new QA(), crashOn: (error) => error.code === 'OUTPUT_INVALID' });
 */
export type CrashOn = 'unexpected' | 'any' | ((error: DspexError) => boolean);

/**
 * The codes that say a call failed for an outside reason — the LM failed or answered something
 * unusable, or the input was wrong — which says nothing about the module's own state, so
 * restarting it would not help (docs/runtime/supervision.md lists them).
 */
export const CALL_FAILURE_CODES: ReadonlySet<DspexErrorCode> = new Set<DspexErrorCode>([
  'LM_HTTP',
  'LM_TIMEOUT',
  'LM_RESPONSE_INVALID',
  'LM_NOT_CONFIGURED',
  'ADAPTER_PARSE',
  'OUTPUT_INVALID',
  'INPUT_INVALID',
]);

/**
 * True when `error` (which escaped `forward`) crashes the instance under `crashOn`. A predicate that
 * throws counts as saying "crash": when in doubt, a fresh instance is the safe side.
 */
export function isCrash(crashOn: CrashOn, error: unknown): boolean {
  if (!DspexError.is(error)) return true;
  if (crashOn === 'unexpected') return !CALL_FAILURE_CODES.has(error.code);
  if (crashOn === 'any') return true;
  try {
    return Boolean(crashOn(error));
  } catch {
    return true;
  }
}
