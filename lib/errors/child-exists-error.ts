import { DspexError, type DspexErrorOptions } from './dspex-error';

/** A child with that id is already supervised. Code `CHILD_EXISTS`. */
export class ChildExistsError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('CHILD_EXISTS', message, options);
  }
}
