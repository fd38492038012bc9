import { AdapterParseError } from '../../lib/errors';

/** Runs an adapter parse that must fail and returns its AdapterParseError (any other outcome fails the spec). */
export function parseError(run: () => unknown): AdapterParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof AdapterParseError) return error;
    throw error;
  }
  throw new Error('expected an AdapterParseError');
}
