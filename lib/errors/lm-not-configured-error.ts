import { DspexError, type DspexErrorOptions } from './dspex-error';

/** A predictor ran with no LM: none given, set on the predictor, or configured. Code `LM_NOT_CONFIGURED`. */
export class LMNotConfiguredError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('LM_NOT_CONFIGURED', message, options);
  }
}
