import { DspexError, type DspexErrorOptions } from './dspex-error';

/**
 * Thrown by a supervised module's `forward` to end itself normally.
 * Reason `'normal'`: a `permanent` child is restarted, `transient` and `temporary` ones are not.
 * @example throw new ModuleExit();
 */
export class ModuleExit extends DspexError {
  readonly reason = 'normal' as const;

  constructor(
    message = 'The module ended itself normally (ModuleExit). Nothing to fix: a permanent child restarts, others stay stopped.',
    options?: DspexErrorOptions,
  ) {
    super('MODULE_EXIT', message, options);
  }
}
