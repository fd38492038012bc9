import { DspexError, type DspexErrorOptions } from './dspex-error';

/** An option given to a dspex constructor or to `configure()` is invalid. Code `CONFIGURATION_INVALID`. */
export class ConfigurationError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('CONFIGURATION_INVALID', message, options);
  }
}

/** The `ConfigurationError` for a failed options check (`validateOptions`' error factory), `details` naming the option. */
export function configurationError(message: string, details: Record<string, unknown>): ConfigurationError {
  return new ConfigurationError(message, { details });
}
