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

  constructor(code: DspexErrorCode, message: string, options?: DspexErrorOptions | null) {
    const { cause, details } = options ?? {};
    // As `Error` does, any message becomes text; a Symbol too (where `Error` throws a TypeError),
    // so an error built from odd input still reports, never fails on its own construction.
    super(typeof message === 'string' ? message : String(message), cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
    this.details = details !== null && typeof details === 'object' ? details : {};
    Object.defineProperty(this, DSPEX_ERROR_BRAND, { value: true });
  }

  /** True for any dspex error, even one thrown by another loaded copy of the package. */
  static is(value: unknown): value is DspexError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DSPEX_ERROR_BRAND] === true;
  }
}
