import { DspexError, type DspexErrorOptions } from './dspex-error';

/** A hot swap failed; the old instance keeps serving. Code `HOT_SWAP_FAILED`. */
export class HotSwapError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('HOT_SWAP_FAILED', message, options);
  }
}
