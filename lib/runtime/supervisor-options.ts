import { configurationError } from '../errors';
import type { Logger } from '../logging/logger';
import { ParameterStore } from '../primitives/parameter-store';
import { validateOptions, type OptionRules, LOGGER_RULE } from '../util/validate-options';
import type { CheckpointStore } from './checkpoint-store';
import { isClock, type Clock } from './clock';
import { RESTART_STRATEGIES, type RestartStrategy } from './restart-strategy';

/** Where a supervisor is in its life. */
export type SupervisorStatus = 'running' | 'stopping' | 'stopped' | 'escalated';

/** Options of `new Supervisor()`. Defaults follow Elixir's Supervisor: one_for_one, 3 restarts within 5000 ms. */
export interface SupervisorOptions {
  /** Which siblings restart with a child that exits (default `'one_for_one'`). */
  strategy?: RestartStrategy;
  /** More restarts than this within `withinMs` make the supervisor give up (default 3). */
  maxRestarts?: number;
  /** The restart-intensity window in milliseconds (default 5000). */
  withinMs?: number;
  /** Where children's checkpoints go; with one, children checkpoint `'on-change'` by default. */
  checkpointStore?: CheckpointStore;
  /** The store `@Parameter({ shared })` members bind to (default: the parent supervisor's, else `ParameterStore.global`). */
  parameterStore?: ParameterStore;
  /** The parent logger; the supervisor logs through a child of it (default: dspex's root logger). */
  logger?: Logger;
  /** Time source for intensity windows, call timeouts and shutdown deadlines (default: `Date.now`/`setTimeout`). */
  clock?: Clock;
  /** A name for logs and for the `recovered` event (default `'supervisor'`). */
  name?: string;
  /**
   * Recover automatically this long after each escalation (on the supervisor's clock), as if
   * `recover()` were called. Off by default: without it an escalated supervisor stays down.
   * @default undefined (never)
   * @example
   * new Supervisor({ maxRestarts: 3, withinMs: 5000, recoverAfterMs: 30_000 }); // down at most ~30 s after an outage
   */
  recoverAfterMs?: number;
}

/** Options of `Supervisor.stop`. */
export interface StopOptions {
  /** Let every accepted call finish first (each child waits at most its `shutdownMs`); default false rejects waiting calls. */
  drain?: boolean;
  /**
   * How long to wait for running calls (instead of each child's own `shutdownMs`) before aborting
   * their `signal`; 0 aborts at once, `Infinity` waits for ever.
   */
  shutdownMs?: number;
}

const isObjectWith =
  (methods: readonly string[]) =>
  (value: unknown): boolean =>
    typeof value === 'object' && value !== null && methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');

const SUPERVISOR_RULES: OptionRules = {
  strategy: { kind: 'oneOf', values: RESTART_STRATEGIES },
  maxRestarts: { kind: 'integer', min: 0 },
  withinMs: { kind: 'duration' },
  checkpointStore: {
    kind: 'custom',
    check: (value) =>
      isObjectWith(['save', 'load', 'list', 'delete'])(value) ? undefined : 'a CheckpointStore (save, load, list, delete), e.g. new FileCheckpointStore(dir)',
  },
  parameterStore: { kind: 'custom', check: (value) => (value instanceof ParameterStore ? undefined : 'a ParameterStore, e.g. new ParameterStore()') },
  logger: LOGGER_RULE,
  clock: { kind: 'custom', check: (value) => (isClock(value) ? undefined : 'an object with now(), setTimeout(callback, ms) and clearTimeout(timer)') },
  name: { kind: 'string' },
  recoverAfterMs: { kind: 'duration' },
};

const STOP_RULES: OptionRules = {
  drain: { kind: 'boolean' },
  shutdownMs: { kind: 'duration', allowZero: true, allowInfinity: true },
};

/**
 * Checks the options of `new Supervisor()` (a closed set).
 * @throws {ConfigurationError} CONFIGURATION_INVALID naming the option (`details.option`).
 */
export function validateSupervisorOptions(options: unknown): SupervisorOptions {
  return validateOptions('new Supervisor()', options, SUPERVISOR_RULES, { error: configurationError }).known as SupervisorOptions;
}

/**
 * Checks the options of `supervisor.stop()`.
 * @throws {ConfigurationError} CONFIGURATION_INVALID naming the option.
 */
export function validateStopOptions(options: unknown): StopOptions {
  return validateOptions('supervisor.stop()', options, STOP_RULES, { error: configurationError }).known as StopOptions;
}
