import type { Span } from '@opentelemetry/api';
import { DspexError } from '../errors';
import { activeTracer } from './active-tracer';
import { runInSpan } from './run-in-span';

/** What the span of a supervised call reads from its child. */
export interface TracedChild {
  readonly id: string;
  readonly version: string;
  /** Restarts of the child so far. */
  readonly restarts: number;
}

/** How a supervised call ended, as its span records it in `dspex.supervisor.call.outcome`. */
export type SupervisedCallOutcome = 'success' | 'failure' | 'cancelled' | 'rejected';

/**
 * Runs one call to a supervised child (`ref.forward(...)`) inside a `supervised_call {id}` span,
 * from arrival to settlement (queue wait, retries and the fallback included); the module spans of
 * its attempts are its children. Without a registered tracer provider, runs `run` as is.
 */
export function traceSupervisedCall<T>(child: TracedChild, options: unknown, run: () => Promise<T>): Promise<T> {
  const tracer = activeTracer();
  if (tracer === undefined) return run();
  const signal = signalOf(options);
  const restartsBefore = child.restarts;
  const settle = (span: Span, outcome: SupervisedCallOutcome): void => {
    span.setAttributes({
      'dspex.supervisor.call.outcome': outcome,
      'dspex.supervisor.child.restarts': child.restarts,
      'dspex.supervisor.call.restarts': child.restarts - restartsBefore,
    });
  };
  return runInSpan(
    tracer,
    {
      name: `supervised_call ${child.id}`,
      attributes: { 'dspex.supervisor.child.id': child.id, 'dspex.supervisor.child.version': child.version },
      onSuccess: (span) => settle(span, 'success'),
      onFailure: (span, error) => settle(span, outcomeOf(error, signal)),
    },
    run,
  );
}

function outcomeOf(error: unknown, signal: AbortSignal | undefined): SupervisedCallOutcome {
  if (signal?.aborted === true && error === signal.reason) return 'cancelled';
  if (DspexError.is(error) && error.code === 'CHILD_OVERLOADED') return 'rejected';
  return 'failure';
}

function signalOf(options: unknown): AbortSignal | undefined {
  const signal = options !== null && typeof options === 'object' ? (options as { signal?: unknown }).signal : undefined;
  return signal instanceof AbortSignal ? signal : undefined;
}
