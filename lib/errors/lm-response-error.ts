import { DspexError, type DspexErrorOptions } from './dspex-error';

/** An LM endpoint answered with a body that is not what the API promises. Code `LM_RESPONSE_INVALID`. */
export class LMResponseError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('LM_RESPONSE_INVALID', message, options);
  }
}
