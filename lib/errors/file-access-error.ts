import { DspexError, type DspexErrorOptions } from './dspex-error';

/** A file dspex reads or writes (saved programs, checkpoints) could not be accessed; `cause` is the system error. Code `FILE_ACCESS_FAILED`. */
export class FileAccessError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('FILE_ACCESS_FAILED', message, options);
  }
}
