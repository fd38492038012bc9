/**
 * When a child is restarted after it exits, as in OTP: `permanent` always, `transient` only after
 * a crash, `temporary` never.
 */
export type RestartPolicy = 'permanent' | 'transient' | 'temporary';

/** Every restart policy, for validation. */
export const RESTART_POLICIES: readonly RestartPolicy[] = ['permanent', 'transient', 'temporary'];

/**
 * How a call or an instance ended (Effect's Fail/Interrupt/Die split):
 * `normal` — the module threw `ModuleExit`; `cancelled` — the caller aborted or the supervisor
 * stopped the call; `crashed` — an error escaped `forward`, or the call passed its timeout.
 */
export type ExitReason = 'normal' | 'cancelled' | 'crashed';

/** Whether a child with `policy` is restarted after an exit for `reason`. Cancellation never ends an instance. */
export function shouldRestart(policy: RestartPolicy, reason: ExitReason): boolean {
  if (reason === 'cancelled') return false;
  if (policy === 'permanent') return true;
  if (policy === 'transient') return reason === 'crashed';
  return false;
}
