import { DspexError, type DspexErrorOptions } from './dspex-error';

/** A child spec given to `startChild` is invalid. Code `CHILD_SPEC_INVALID`. */
export class ChildSpecError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('CHILD_SPEC_INVALID', message, options);
  }
}
