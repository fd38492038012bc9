import { Module, bindParameterStore, onStateChange } from '../primitives/module';
import type { ModuleState } from '../primitives/module-state';
import type { ParameterStore } from '../primitives/parameter-store';

export type { ModuleState };

/**
 * What the supervisor needs from a supervised instance: `Module`'s calling and state methods.
 * Written structurally so any object with these methods can be supervised; a real `Module`
 * additionally gets shared parameters bound and `'on-change'` checkpoints.
 */
export type SupervisableModule = Pick<Module, 'forward' | 'dumpState' | 'getParameter' | 'setParameter'> & {
  loadState(state: ModuleState, options?: Record<string, unknown>): unknown;
};

/** True when `value` has the methods of a `SupervisableModule`. */
export function isSupervisableModule(value: unknown): value is SupervisableModule {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.forward === 'function' &&
    typeof candidate.dumpState === 'function' &&
    typeof candidate.loadState === 'function' &&
    typeof candidate.getParameter === 'function' &&
    typeof candidate.setParameter === 'function'
  );
}

/** A method under this key binds the shared parameters of an object that is not a `Module` (a thread-isolated instance). */
export const BIND_PARAMETER_STORE = Symbol('dspex.bindParameterStore');

/** Binds `@Parameter({ shared })` members of a `Module` instance (or of an object with `BIND_PARAMETER_STORE`) to `store`. */
export function bindSharedParameters(instance: SupervisableModule, store: ParameterStore): void {
  if (instance instanceof Module) bindParameterStore(instance, store);
  else (instance as { [BIND_PARAMETER_STORE]?: (store: ParameterStore) => void })[BIND_PARAMETER_STORE]?.(store);
}

/** A method under this key lets an object that is not a `Module` report its state changes (a thread-isolated instance). */
export const WATCH_STATE = Symbol('dspex.watchState');

/**
 * Calls `listener` when a `Module` instance's parameters are set or its state is loaded; returns
 * the unsubscribe function, or undefined for objects that cannot report changes.
 */
export function watchStateChanges(instance: SupervisableModule, listener: () => void): (() => void) | undefined {
  if (instance instanceof Module) return onStateChange(instance, listener);
  const watch = (instance as { [WATCH_STATE]?: unknown })[WATCH_STATE];
  return typeof watch === 'function' ? (watch as (listener: () => void) => () => void).call(instance, listener) : undefined;
}

/**
 * Loads `state` into a supervised instance but keeps the LM objects its `start()` gave it.
 * `Module.loadState` rebuilds each predictor's LM from the saved `lm` entry (as DSPy's
 * `load_state`), which would drop the credentials and custom LM classes `start()` configured;
 * a checkpoint restores what was learned (parameters, demos, instructions), not the wiring.
 * Another object's `loadState` result is returned: a thread-isolated instance loads asynchronously.
 * @throws {StateValidationError} STATE_INVALID when the module rejects the state (nothing changes).
 */
export function loadStateKeepingLMs(instance: SupervisableModule, state: ModuleState): void | Promise<unknown> {
  if (!(instance instanceof Module)) {
    const loaded: unknown = instance.loadState(state);
    return loaded instanceof Promise ? loaded : undefined;
  }
  const lms = new Map(instance.namedPredictors().map(([name, predictor]) => [name, predictor.lm]));
  const withoutLMs: ModuleState = { ...state };
  for (const name of lms.keys()) {
    const entry = withoutLMs[name];
    if (entry !== null && typeof entry === 'object' && !Array.isArray(entry) && 'lm' in entry) withoutLMs[name] = { ...entry, lm: null };
  }
  instance.loadState(withoutLMs);
  for (const [name, predictor] of instance.namedPredictors()) if (lms.has(name)) predictor.lm = lms.get(name);
}
