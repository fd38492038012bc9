import { randomUUID } from 'node:crypto';
import type { AdapterStepObserver } from '../adapters/adapter';
import { getRootLogger, type Logger } from '../logging/logger';
import { registerModuleCallHook } from '../primitives/module-call-hook';
import { activeTracer } from '../tracing/active-tracer';
import { traceCall } from '../tracing/call-span';
import type { Callback, CallbackEnd, CallbackKind, CallbackStart } from './callback';
import { currentSettings } from './settings';

let log: Logger | undefined;

function fire(callbacks: readonly Callback[], hook: keyof Callback, event: CallbackStart | CallbackEnd): void {
  for (const callback of callbacks) {
    const handler = callback[hook] as ((event: CallbackStart | CallbackEnd) => unknown) | undefined;
    if (typeof handler !== 'function') continue;
    const report = (error: unknown): void => {
      log ??= getRootLogger().child({ component: 'callbacks' });
      log.warn({ err: error, hook, callId: event.callId }, `callback ${hook} threw; the call goes on`);
    };
    try {
      const result = handler.call(callback, event);
      if (result instanceof Promise) result.catch(report);
    } catch (error) {
      report(error);
    }
  }
}

const NO_CALLBACKS: readonly Callback[] = [];

/**
 * The callbacks in force here (an empty list when only OpenTelemetry observes calls), or
 * undefined when nothing observes them (the fast path).
 */
export function activeCallbacks(): readonly Callback[] | undefined {
  return observingCallbacks(currentSettings().callbacks);
}

function observingCallbacks(callbacks: readonly Callback[] | undefined): readonly Callback[] | undefined {
  if (callbacks !== undefined && callbacks.length > 0) return callbacks;
  return activeTracer() === undefined ? undefined : NO_CALLBACKS;
}

/**
 * Runs `run` between the start and end hooks of `kind` (one fresh `callId`); the end hook also
 * fires when `run` throws or rejects, with the error, which is then rethrown. While a tracer
 * provider is registered, all of it runs inside the call's OpenTelemetry span (lib/tracing).
 */
export function runWithCallbacks<T>(
  callbacks: readonly Callback[],
  kind: CallbackKind,
  instance: object,
  inputs: Readonly<Record<string, unknown>>,
  run: () => T,
): T {
  const tracer = activeTracer();
  if (tracer === undefined) return runWithHooks(callbacks, kind, instance, inputs, run);
  return traceCall(tracer, kind, instance, inputs, () => runWithHooks(callbacks, kind, instance, inputs, run));
}

function runWithHooks<T>(callbacks: readonly Callback[], kind: CallbackKind, instance: object, inputs: Readonly<Record<string, unknown>>, run: () => T): T {
  const start = `on${kind}Start` as keyof Callback;
  const end = `on${kind}End` as keyof Callback;
  // Callbacks without this kind's hooks cost nothing more here.
  if (!callbacks.some((callback) => typeof callback[start] === 'function' || typeof callback[end] === 'function')) return run();
  const callId = randomUUID();
  fire(callbacks, start, { callId, instance, inputs });
  let result: T;
  try {
    result = run();
  } catch (error) {
    fire(callbacks, end, { callId, instance, outputs: null, error });
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (outputs: unknown) => {
        fire(callbacks, end, { callId, instance, outputs, error: null });
        return outputs;
      },
      (error: unknown) => {
        fire(callbacks, end, { callId, instance, outputs: null, error });
        throw error;
      },
    ) as T;
  }
  fire(callbacks, end, { callId, instance, outputs: result, error: null });
  return result;
}

const STEP_KINDS = { format: 'AdapterFormat', lm: 'Lm', parse: 'AdapterParse' } as const;

/** The observer `Predict` hands its adapter so format, LM and parse hooks fire (and spans open); undefined when nothing observes. */
export function adapterObserver(callbacks: readonly Callback[] | undefined): AdapterStepObserver | undefined {
  const observing = observingCallbacks(callbacks);
  if (observing === undefined) return undefined;
  return (step, instance, inputs, run) => runWithCallbacks(observing, STEP_KINDS[step], instance, inputs, run);
}

registerModuleCallHook((module, inputs, run) => {
  const callbacks = activeCallbacks();
  return callbacks === undefined ? run() : runWithCallbacks(callbacks, 'Module', module, inputs, run);
});
