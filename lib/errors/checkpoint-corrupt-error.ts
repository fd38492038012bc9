import { DspexError, type DspexErrorOptions } from './dspex-error';

/** A stored checkpoint is truncated, altered or unreadable. Code `CHECKPOINT_CORRUPT`. */
export class CheckpointCorruptError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('CHECKPOINT_CORRUPT', message, options);
  }
}
