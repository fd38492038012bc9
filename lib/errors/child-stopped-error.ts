import { DspexError, type DspexErrorOptions } from './dspex-error';

/** The call reached a child that is stopped. Code `CHILD_STOPPED`. */
export class ChildStoppedError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('CHILD_STOPPED', message, options);
  }
}
