import { ModuleCrashedError, ModuleExit, describeProblem, describeValue, type DspexError } from '../errors';
import type { Prediction } from '../primitives/prediction';
import type { Clock, ClockTimer } from './clock';
import { isCrash, type CrashOn } from './crash-on';
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
  /** A call failure under the child's `crashOn` (an LM or parse failure, …): the instance keeps serving. */
  | { readonly kind: 'failure'; readonly error: DspexError }
  /** Any other error escaped `forward`, or the call passed its timeout. */
  | { readonly kind: 'crash'; readonly error: ModuleCrashedError };

/** The abort reasons of calls that passed their timeout (a thread-isolated instance terminates its thread on one). */
const timeoutReasons = new WeakSet<object>();

/** True when `reason` aborted a call because it passed the child's (or the call's) `timeoutMs`. */
export function isCallTimeout(reason: unknown): boolean {
  return typeof reason === 'object' && reason !== null && timeoutReasons.has(reason);
}

/** What an attempt needs to know about its child. */
export interface AttemptContext {
  readonly id: string;
  readonly version: string;
  readonly clock: Clock;
  /** The supervisor's scope token (see supervision-scope.ts). */
  readonly token: object;
  /** Which errors are crashes (the child spec's `crashOn`). */
  readonly crashOn: CrashOn;
}

/**
 * Runs `call` once on `instance` and settles as soon as the outcome is known: when `forward`
 * settles, when the caller's signal aborts, when the call passes its timeout (a timer on the
 * supervisor's clock that aborts the signal the module got), or when the supervisor interrupts
 * it. A module that ignores its signal therefore cannot hold a call. Never rejects.
 *
 * The module always gets a signal of its own (an AbortController's, aborted by the caller's signal,
 * the timeout, or the supervisor's `stop`), so its LM requests end when the call does.
 */
export function attemptCall(call: PendingCall, instance: SupervisableModule, context: AttemptContext): Promise<AttemptOutcome> {
  return new Promise<AttemptOutcome>((resolve) => {
    const callerSignal = call.signal;
    let isSettled = false;
    const controller = new AbortController();
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
      controller.abort(callerSignal?.reason);
      finish({ kind: 'cancelled', reason: callerSignal?.reason });
    };
    call.interrupt = (reason) => {
      controller.abort(reason);
      finish({ kind: 'cancelled', reason });
    };
    const timeoutMs = call.timeoutMs;
    if (timeoutMs !== undefined && timeoutMs !== Number.POSITIVE_INFINITY) {
      timer = context.clock.setTimeout(() => {
        const reason = new DOMException(`The call to child "${context.id}" passed its timeout of ${timeoutMs} ms.`, 'TimeoutError');
        timeoutReasons.add(reason);
        controller.abort(reason);
        finish({ kind: 'crash', error: timeoutCrash(context, timeoutMs, controller.signal.reason) });
      }, timeoutMs);
    }
    if (callerSignal !== undefined) {
      if (callerSignal.aborted) return onCallerAbort();
      callerSignal.addEventListener('abort', onCallerAbort, { once: true });
    }
    const signal = controller.signal;
    let pending: Promise<Prediction>;
    try {
      pending = runInSupervision(context.token, () => instance.forward(call.inputs, { signal }));
    } catch (error) {
      // A forward that throws synchronously (not an async function) crashes the same way.
      pending = Promise.reject(error);
    }
    pending.then(
      (prediction) => finish({ kind: 'success', prediction }),
      (error: unknown) => finish(classify(context, error)),
    );
  });
}

function classify(context: AttemptContext, error: unknown): AttemptOutcome {
  if (error instanceof ModuleExit) return { kind: 'exit', error };
  if (!isCrash(context.crashOn, error)) return { kind: 'failure', error: error as DspexError };
  return { kind: 'crash', error: crashOf(context, error) };
}

function crashOf(context: AttemptContext, error: unknown): ModuleCrashedError {
  const received = error instanceof Error ? `${error.name}: ${error.message}` : describeValue(error);
  return new ModuleCrashedError(
    describeProblem(
      `Child "${context.id}" crashed while serving the call.`,
      received,
      'The supervisor restarts it under its restart policy; error.cause holds what forward threw.',
    ),
    { cause: error, details: { id: context.id, version: context.version, reason: 'error' } },
  );
}

function timeoutCrash(context: AttemptContext, timeoutMs: number, reason: unknown): ModuleCrashedError {
  return new ModuleCrashedError(
    describeProblem(
      `Child "${context.id}" did not answer within its timeout; the call counts as a crash.`,
      `${timeoutMs} ms`,
      'Raise timeoutMs, or make forward honour its signal and answer sooner.',
    ),
    { cause: reason, details: { id: context.id, version: context.version, reason: 'timeout', timeoutMs } },
  );
}
