import { DspexError, type DspexErrorOptions } from './dspex-error';

/** An evaluation or optimization run failed: too many errors, or a metric misbehaved. Code `EVALUATION_FAILED`. */
export class EvaluationError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('EVALUATION_FAILED', message, options);
  }
}
