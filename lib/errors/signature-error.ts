import { DspexError, type DspexErrorOptions } from './dspex-error';

/** A signature's text or class is malformed. Code `SIGNATURE_INVALID`; `position` is the 0-based offset in the text, when known. */
export class SignatureError extends DspexError {
  readonly position: number | undefined;

  constructor(message: string, options: DspexErrorOptions & { position?: number } = {}) {
    super('SIGNATURE_INVALID', message, { ...options, details: { ...options.details, position: options.position } });
    this.position = options.position;
  }
}
