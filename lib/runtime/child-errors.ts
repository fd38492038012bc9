import { ChildExistsError, ChildOverloadedError, ChildStoppedError, ConfigurationError, ModuleCrashedError, describeProblem, type DspexError } from '../errors';
import type { ModuleRefStatus } from './module-ref';

/** The errors a child gives its callers, each saying what happened and what to do. */

/** A call, or parameter access, to a child that is stopped or not serving. */
export function childStopped(id: string, status: ModuleRefStatus): ChildStoppedError {
  return new ChildStoppedError(
    describeProblem(
      `Child "${id}" is ${status === 'stopped' ? 'stopped' : 'not serving right now'}.`,
      status,
      'Call supervisor.restartChild(id) to start it again, or give the child a fallback.',
    ),
    { details: { id, status } },
  );
}

/** Parameter access or a checkpoint that waited `waitedMs` for a restarting child in vain. */
export function notBackInTime(id: string, status: ModuleRefStatus, waitedMs: number): ChildStoppedError {
  return new ChildStoppedError(
    describeProblem(`Child "${id}" did not come back within ${waitedMs} ms.`, status, 'Try again later; see the registry events for why it keeps restarting.'),
    { details: { id, status, waitedMs } },
  );
}

/** A call beyond `maxQueued`. */
export function overloaded(id: string, maxQueued: number, queued: number, running: number): ChildOverloadedError {
  return new ChildOverloadedError(
    describeProblem(
      `Child "${id}" is overloaded: ${maxQueued} calls are already waiting.`,
      `${running} running, ${queued} waiting`,
      "Retry later, send fewer calls at once, or raise the child's concurrency or maxQueued.",
    ),
    { details: { id, maxQueued, queued, running } },
  );
}

/** A nested supervisor that escalated: one crash of the child that holds it (OTP). */
export function nestedEscalation(id: string, event: { readonly id: string; readonly error: DspexError }): ModuleCrashedError {
  return new ModuleCrashedError(
    describeProblem(`Nested supervisor "${id}" escalated.`, `child "${event.id}" exceeded its restart intensity`, 'See error.cause.'),
    {
      cause: event.error,
      details: { id, reason: 'escalated' },
    },
  );
}

/** `forward` on a child that is a nested supervisor. */
export function nestedForward(id: string): ConfigurationError {
  return new ConfigurationError(
    describeProblem(
      `Child "${id}" is a nested supervisor; it has no forward.`,
      'a Supervisor child',
      'Call the children of the nested supervisor (its registry.lookup(id)).',
    ),
  );
}

/** `restartChild` or `deleteChild` on a child that is not stopped. */
export function notStopped(operation: string, id: string, status: ModuleRefStatus): ChildExistsError {
  return new ChildExistsError(describeProblem(`${operation} needs a stopped child; "${id}" is ${status}.`, status, `Call terminateChild("${id}") first.`), {
    details: { id, status },
  });
}
