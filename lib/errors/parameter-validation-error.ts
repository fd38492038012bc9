import { DspexError, type DspexErrorOptions } from './dspex-error';

/** A value assigned to a `@Parameter` breaks its constraints; the old value is kept. Code `PARAMETER_INVALID`. */
export class ParameterValidationError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('PARAMETER_INVALID', message, options);
  }
}
