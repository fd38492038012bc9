import { DspexError, type DspexErrorOptions } from './dspex-error';

/** The supervisor passed its restart intensity and gave up; `cause` is the last crash. Code `SUPERVISOR_ESCALATION`. */
export class SupervisorEscalationError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('SUPERVISOR_ESCALATION', message, options);
  }
}
