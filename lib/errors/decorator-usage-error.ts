import { DspexError, type DspexErrorOptions } from './dspex-error';

/** A dspex decorator is used where it cannot work, or a compiler setting breaks decorators. Code `DECORATOR_MISUSE`. */
export class DecoratorUsageError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('DECORATOR_MISUSE', message, options);
  }
}
