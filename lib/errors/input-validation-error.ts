import { DspexError, type DspexErrorOptions } from './dspex-error';

/** The inputs given to `forward` (or another entry point) are missing or of the wrong shape. Code `INPUT_INVALID`. */
export class InputValidationError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('INPUT_INVALID', message, options);
  }
}
