import { DspexError, type DspexErrorOptions } from './dspex-error';

/** An LM request took longer than its `timeoutMs`. Code `LM_TIMEOUT`. */
export class LMTimeoutError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('LM_TIMEOUT', message, options);
  }
}
