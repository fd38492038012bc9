import { DspexError, type DspexErrorOptions } from './dspex-error';

/** No child with that id is supervised. Code `CHILD_NOT_FOUND`. */
export class ChildNotFoundError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('CHILD_NOT_FOUND', message, options);
  }
}
