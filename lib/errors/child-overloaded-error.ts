import { DspexError, type DspexErrorOptions } from './dspex-error';

/**
 * A call found its child's queue full (`maxQueued` calls already waiting) and was rejected at once,
 * without running and without a fallback. Code `CHILD_OVERLOADED`.
 */
export class ChildOverloadedError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('CHILD_OVERLOADED', message, options);
  }
}
