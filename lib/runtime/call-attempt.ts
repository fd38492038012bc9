import { ModuleCrashedError, ModuleExit, describeProblem, describeValue } from '../errors';
import type { Prediction } from '../primitives/prediction';
import type { Clock, ClockTimer } from './clock';
import type { PendingCall } from './pending-call';
import type { SupervisableModule } from './supervisable-module';
import { runInSupervision } from './supervision-scope';

/** How one run of a call on an instance ended, classified as OTP exits. */
export type AttemptOutcome =
  | { readonly kind: 'success'; readonly prediction: Prediction }
  /** The caller aborted (reason: its `signal.reason`), or the supervisor stopped the call. */
  | { readonly kind: 'cancelled'; readonly reason: unknown }
  /** The module threw `ModuleExit`: a normal exit. */
  | { readonly kind: 'exit'; readonly error: ModuleExit }
  /** An error escaped `forward`, or the call passed its timeout. */
  | { readonly kind: 'crash'; readonly error: ModuleCrashedError };

/** What an attempt needs to know about its child. */
export interface AttemptContext {
  readonly id: string;
  readonly version: string;
  readonly clock: Clock;
  /** The supervisor's scope token (see supervision-scope.ts). */
  readonly token: object;
}

/**
 * Runs `call` once on `instance` and settles as soon as the outcome is known: when `forward`
 * settles, when the caller's signal aborts, when the call passes its timeout (a timer on the
 * supervisor's clock that aborts the signal the module got), or when the supervisor interrupts
 * it. A module that ignores its signal therefore cannot hold a call. Never rejects.
 *
 * The module gets the caller's signal as is when there is no timeout, and an AbortController's
 * signal (aborted by the caller's signal too) when there is one: AbortSignals are costly to create,
 * so a call that needs none gets none.
 */
export function attemptCall(call: PendingCall, instance: SupervisableModule, context: AttemptContext): Promise<AttemptOutcome> {
  return new Promise<AttemptOutcome>((resolve) => {
    const callerSignal = call.signal;
    let isSettled = false;
    let controller: AbortController | undefined;
    let timer: ClockTimer | undefined;
    const finish = (outcome: AttemptOutcome): void => {
      if (isSettled) return;
      isSettled = true;
      if (timer !== undefined) context.clock.clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
      call.interrupt = undefined;
      resolve(outcome);
    };
    const onCallerAbort = (): void => {
      controller?.abort(callerSignal?.reason);
      finish({ kind: 'cancelled', reason: callerSignal?.reason });
    };
    call.interrupt = (reason) => {
      controller?.abort(reason);
      finish({ kind: 'cancelled', reason });
    };
    if (call.timeoutMs !== undefined) {
      const timeoutMs = call.timeoutMs;
      const timeoutController = new AbortController();
      controller = timeoutController;
      timer = context.clock.setTimeout(() => {
        timeoutController.abort(new DOMException(`The call to child "${context.id}" passed its timeout of ${timeoutMs} ms.`, 'TimeoutError'));
        finish({ kind: 'crash', error: timeoutCrash(context, timeoutMs, timeoutController.signal.reason) });
      }, timeoutMs);
    }
    if (callerSignal !== undefined) {
      if (callerSignal.aborted) return onCallerAbort();
      callerSignal.addEventListener('abort', onCallerAbort, { once: true });
    }
    const signal = controller?.signal ?? callerSignal;
    let pending: Promise<Prediction>;
    try {
      pending = runInSupervision(context.token, () => instance.forward(call.inputs, signal === undefined ? undefined : { signal }));
    } catch (error) {
      // A forward that throws synchronously (not an async function) crashes the same way.
      pending = Promise.reject(error);
    }
    pending.then(
      (prediction) => finish({ kind: 'success', prediction }),
      (error: unknown) => finish(error instanceof ModuleExit ? { kind: 'exit', error } : { kind: 'crash', error: crashOf(context, error) }),
    );
  });
}

function crashOf(context: AttemptContext, error: unknown): ModuleCrashedError {
  const received = error instanceof Error ? `${error.name}: ${error.message}` : describeValue(error);
  return new ModuleCrashedError(
    describeProblem(`Child "${context.id}" crashed while serving the call.`, received, 'The supervisor restarts it under its restart policy; error.cause holds what forward threw.'),
    { cause: error, details: { id: context.id, version: context.version, reason: 'error' } },
  );
}

function timeoutCrash(context: AttemptContext, timeoutMs: number, reason: unknown): ModuleCrashedError {
  return new ModuleCrashedError(
    describeProblem(`Child "${context.id}" did not answer within its timeout; the call counts as a crash.`, `${timeoutMs} ms`, 'Raise timeoutMs, or make forward honour its signal and answer sooner.'),
    { cause: reason, details: { id: context.id, version: context.version, reason: 'timeout', timeoutMs } },
  );
}
