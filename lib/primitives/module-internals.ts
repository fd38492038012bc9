import type { ParameterHandle } from './parameter-handle';
import type { ParameterStore } from './parameter-store';
import type { RecordedCall } from '../util/call-scope';
import type { RingBuffer } from '../util/ring-buffer';

/** Where a module keeps what its decorated members and modes need; not enumerable, not copied by spreads. */
export const INTERNALS = Symbol('dspex.module.internals');

export interface ModuleInternals {
  /** Handles of `@Parameter` members, created on first touch. */
  handles: Map<string, ParameterHandle> | undefined;
  /** Values of `@Predictor` / `@SubModule` members. */
  members: Map<string, unknown> | undefined;
  /** For each decorated member: how many own keys the instance had when it was first assigned (its attribute position). */
  positions: Map<string, number> | undefined;
  training: boolean;
  compiled: boolean;
  parameterStore: ParameterStore | undefined;
  stateListeners: Set<() => void> | undefined;
  /** Set once the shadowing check (useDefineForClassFields) has passed. */
  checked: boolean;
  /** The last LM calls made under this module's `forward` (DSPy's per-module history); created on first call. */
  history?: RingBuffer<RecordedCall>;
}

export function newInternals(): ModuleInternals {
  return {
    handles: undefined,
    members: undefined,
    positions: undefined,
    training: false,
    compiled: false,
    parameterStore: undefined,
    stateListeners: undefined,
    checked: false,
  };
}

/** The internals of a module instance. */
export function internalsOf(module: object): ModuleInternals {
  return (module as { [INTERNALS]: ModuleInternals })[INTERNALS];
}
