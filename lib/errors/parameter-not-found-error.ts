import { DspexError, type DspexErrorOptions } from './dspex-error';

/** A parameter path names no parameter of the module. Code `PARAMETER_NOT_FOUND`. */
export class ParameterNotFoundError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('PARAMETER_NOT_FOUND', message, options);
  }
}
