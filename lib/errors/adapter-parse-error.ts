import { DspexError, type DspexErrorOptions } from './dspex-error';

/** An LM reply could not be parsed into the signature's output fields. Code `ADAPTER_PARSE`; `fields` names the fields at fault. */
export class AdapterParseError extends DspexError {
  readonly fields: readonly string[];

  constructor(message: string, options: DspexErrorOptions & { fields?: readonly string[] } = {}) {
    super('ADAPTER_PARSE', message, { ...options, details: { ...options.details, fields: options.fields ?? [] } });
    this.fields = options.fields ?? [];
  }
}
