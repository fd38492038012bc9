import { DspexError, type DspexErrorOptions } from './dspex-error';

/** An optimizer was given invalid options or a program it cannot optimize. Code `OPTIMIZER_INVALID`. */
export class OptimizerError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('OPTIMIZER_INVALID', message, options);
  }
}
