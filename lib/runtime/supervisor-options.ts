import { ConfigurationError, describeProblem, describeValue } from '../errors';
import type { Logger } from '../logging/logger';
import { ParameterStore } from '../primitives/parameter-store';
import { isPlainObject } from '../util/is-plain-object';
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
  /** A name for logs (default `'supervisor'`). */
  name?: string;
}

/** Options of `Supervisor.stop`. */
export interface StopOptions {
  /** Let every accepted call finish first (each child waits at most its `shutdownMs`); default false rejects waiting calls. */
  drain?: boolean;
}

const OPTION_KEYS = new Set(['strategy', 'maxRestarts', 'withinMs', 'checkpointStore', 'parameterStore', 'logger', 'clock', 'name']);

function invalid(option: string, value: unknown, fix: string): ConfigurationError {
  return new ConfigurationError(describeProblem(`Supervisor option "${option}" is invalid.`, describeValue(value), fix), { details: { option } });
}

/**
 * Checks the options of `new Supervisor()`.
 * @throws {ConfigurationError} CONFIGURATION_INVALID naming the option.
 */
export function validateSupervisorOptions(options: unknown): SupervisorOptions {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw invalid('options', options, 'Pass an object such as { strategy: "one_for_one" }.');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw invalid(key, options[key], `Remove it; known options are ${[...OPTION_KEYS].join(', ')}.`);
  }
  const { strategy, maxRestarts, withinMs, checkpointStore, parameterStore, logger, clock, name } = options;
  if (strategy !== undefined && !RESTART_STRATEGIES.includes(strategy as RestartStrategy)) throw invalid('strategy', strategy, "Use 'one_for_one', 'one_for_all' or 'rest_for_one'.");
  if (maxRestarts !== undefined && !(Number.isInteger(maxRestarts) && (maxRestarts as number) >= 0)) throw invalid('maxRestarts', maxRestarts, 'Use a whole number ≥ 0.');
  if (withinMs !== undefined && !(typeof withinMs === 'number' && Number.isFinite(withinMs) && withinMs > 0)) throw invalid('withinMs', withinMs, 'Use a finite number of milliseconds > 0.');
  if (checkpointStore !== undefined) {
    const store = checkpointStore as Record<string, unknown>;
    if (typeof store !== 'object' || store === null || !['save', 'load', 'list', 'delete'].every((method) => typeof store[method] === 'function')) {
      throw invalid('checkpointStore', checkpointStore, 'Pass a CheckpointStore (save, load, list, delete), e.g. new FileCheckpointStore(dir).');
    }
  }
  if (parameterStore !== undefined && !(parameterStore instanceof ParameterStore)) throw invalid('parameterStore', parameterStore, 'Pass a ParameterStore, e.g. new ParameterStore().');
  if (logger !== undefined && typeof (logger as { child?: unknown } | null)?.child !== 'function') throw invalid('logger', logger, 'Pass a pino logger.');
  if (clock !== undefined && !isClock(clock)) throw invalid('clock', clock, 'Pass an object with now(), setTimeout(callback, ms) and clearTimeout(timer).');
  if (name !== undefined && !(typeof name === 'string' && name.length > 0)) throw invalid('name', name, 'Use a non-empty string.');
  return options as SupervisorOptions;
}
