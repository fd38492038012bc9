import { DspexError, type DspexErrorOptions } from './dspex-error';

/** Parsed output fields break the constraints of their declared class. Code `OUTPUT_INVALID`. */
export class OutputValidationError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('OUTPUT_INVALID', message, options);
  }
}
