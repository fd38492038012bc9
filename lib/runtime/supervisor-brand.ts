import type { ParameterStore } from '../primitives/parameter-store';
import type { Registry } from './registry';

/** Recognises a `Supervisor` without importing its class (children and the starter need to, and supervisor.ts imports them). */
export const SUPERVISOR_BRAND = Symbol.for('dspex.supervisor');

/** Internal: gives a nested supervisor its parent's parameter store unless it was given its own. */
export const ADOPT_PARAMETER_STORE = Symbol('dspex.supervisor.adoptParameterStore');

/** What a parent needs from a nested supervisor. */
export interface NestedSupervisor {
  readonly registry: Registry;
  readonly status: 'running' | 'stopping' | 'stopped' | 'escalated';
  stop(options?: { drain?: boolean }): Promise<void>;
  [ADOPT_PARAMETER_STORE](store: ParameterStore): void;
}

/** True for a `Supervisor` instance. */
export function isSupervisor(value: unknown): value is NestedSupervisor {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SUPERVISOR_BRAND] === true;
}
