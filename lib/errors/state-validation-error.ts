import { DspexError, type DspexErrorOptions } from './dspex-error';

/** Saved state does not fit the module it is loaded into; the module is left unchanged. Code `STATE_INVALID`. */
export class StateValidationError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('STATE_INVALID', message, options);
  }
}
