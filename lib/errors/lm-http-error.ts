import { DspexError, type DspexErrorOptions } from './dspex-error';

/** An LM endpoint answered with an HTTP error, or could not be reached (`status` 0). Code `LM_HTTP`. */
export class LMHttpError extends DspexError {
  readonly status: number;

  constructor(message: string, options: DspexErrorOptions & { status: number }) {
    super('LM_HTTP', message, { ...options, details: { ...options.details, status: options.status } });
    this.status = options.status;
  }
}
