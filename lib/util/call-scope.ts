import { AsyncLocalStorage } from 'node:async_hooks';

/** One LM call as a module's history keeps it: rendered (DSPy's `inspect_history` layout) only when printed. */
export interface RecordedCall {
  readonly render: () => string;
}

/** Where a module keeps the LM calls made under its `forward` (DSPy's per-module `history`). */
export interface CallHistory {
  push(call: RecordedCall): void;
}

/** What a module call hands down to everything it awaits. */
export interface CallScope {
  /** The caller's abort signal (inner `Predict` calls read it from here). */
  readonly signal?: AbortSignal;
  /** The histories of every module call in progress, outermost first (DSPy's `settings.caller_modules`). */
  readonly histories?: readonly CallHistory[];
  /** The module instance and inputs of the innermost call, so a `super.forward(inputs)` is not checked twice. */
  readonly module?: object;
  readonly inputs?: object;
}

const storage = new AsyncLocalStorage<CallScope>();

/** Runs `fn` with `scope` visible to every call it awaits. */
export function runInCallScope<T>(scope: CallScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The innermost module call in progress, if any. */
export function currentCallScope(): CallScope | undefined {
  return storage.getStore();
}

/** The abort signal of the innermost module call in progress, if any. */
export function currentSignal(): AbortSignal | undefined {
  return storage.getStore()?.signal;
}

/** Adds one finished LM call to the history of every module call it ran under. */
export function recordInCallScope(call: RecordedCall): void {
  const histories = storage.getStore()?.histories;
  if (histories === undefined) return;
  for (const history of histories) history.push(call);
}
