import fc from 'fast-check';
import { DspexError } from '../../lib';

/**
 * Shared settings of the property specs: a fixed seed (the same cases on every run), a bounded
 * number of runs per property, and checks that every property makes.
 */
export const PROPERTY_SEED = 20_261_203;

/** Runs `property` with the fixed seed and `numRuns` cases; fast-check reports the failing input. */
export function assertProperty<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>, numRuns: number): void | Promise<void> {
  return fc.assert(property as fc.IProperty<Ts>, { seed: PROPERTY_SEED, numRuns, endOnFailure: true });
}

/** Every own property of `Object.prototype`, with its descriptor's value: compare before and after. */
export function prototypeSnapshot(): string {
  const names = Reflect.ownKeys(Object.prototype).map(String).sort();
  return JSON.stringify(names) + String(Object.getPrototypeOf(Object.prototype));
}

/** True when nothing leaked into plain objects (a polluted prototype shows up on `{}`). */
export function isPrototypeClean(snapshot: string): boolean {
  const probe = {} as Record<string, unknown>;
  return prototypeSnapshot() === snapshot && probe.isAdmin === undefined && Object.keys(Object.prototype).length === 0;
}

/** Runs `operation`; returns its result, or the DspexError it threw. Anything else escaping is a failure. */
export function onlyDspexErrors<T>(operation: () => T): T | DspexError {
  try {
    return operation();
  } catch (error) {
    if (DspexError.is(error)) return error;
    throw new Error(`a non-DspexError escaped: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
  }
}

/** The async form of `onlyDspexErrors`. */
export async function onlyDspexErrorsAsync<T>(operation: () => Promise<T>): Promise<T | DspexError> {
  try {
    return await operation();
  } catch (error) {
    if (DspexError.is(error)) return error;
    throw new Error(`a non-DspexError escaped: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
  }
}
