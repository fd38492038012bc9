import type { DspexErrorCode } from './error-codes';

const DSPEX_ERROR_BRAND = Symbol.for('dspex.error');

/** Options every dspex error accepts: the underlying `cause` and structured `details`. */
export interface DspexErrorOptions {
  cause?: unknown;
  details?: Readonly<Record<string, unknown>>;
}

/**
 * The base of every error dspex throws. `code` is stable across releases; `details` holds
 * structured facts (field name, value received, child id) so callers need not parse messages.
 */
export class DspexError extends Error {
  readonly code: DspexErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: DspexErrorCode, message: string, options: DspexErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
    Object.defineProperty(this, DSPEX_ERROR_BRAND, { value: true });
  }

  /** True for any dspex error, even one thrown by another loaded copy of the package. */
  static is(value: unknown): value is DspexError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DSPEX_ERROR_BRAND] === true;
  }
}
