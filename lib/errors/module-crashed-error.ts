import { DspexError, type DspexErrorOptions } from './dspex-error';

/** A supervised module crashed while serving the call; `cause` holds what it threw. Code `MODULE_CRASHED`. */
export class ModuleCrashedError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('MODULE_CRASHED', message, options);
  }
}
