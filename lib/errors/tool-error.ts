import { DspexError, type DspexErrorOptions } from './dspex-error';

/** A tool given to an agent is invalid, or was called with invalid arguments. Code `TOOL_INVALID`. */
export class ToolError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('TOOL_INVALID', message, options);
  }
}
