import { DspexError, type DspexErrorOptions } from './dspex-error';

/** The supervisor is stopping or stopped and accepts no more calls. Code `SUPERVISOR_STOPPED`. */
export class SupervisorStoppedError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('SUPERVISOR_STOPPED', message, options);
  }
}
