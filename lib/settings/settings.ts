import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfigurationError, describeProblem, describeValue } from '../errors';
import type { Adapter } from '../adapters/adapter';
import type { BaseLM } from '../lm/base-lm';
import { runWithUsageTotals } from '../lm/usage-scope';
import type { LMUsage } from '../primitives/prediction';

/** One recorded predictor call, as optimizers read traces: `(predictor, inputs, prediction)`. */
export interface TraceEntry {
  readonly predictor: object;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly prediction: object;
}

/** Defaults every predictor reads when it has no value of its own. */
export interface Settings {
  /** The LM predictors use when they have none of their own. */
  lm?: BaseLM;
  /** The adapter that turns signatures into messages (default ChatAdapter). */
  adapter?: Adapter;
  /** When set, every Predict call appends `(predictor, inputs, prediction)` here (optimizers use this). */
  trace?: TraceEntry[];
  /** Largest trace kept (oldest dropped), DSPy's `max_trace_size` (default 10,000). */
  maxTraceSize?: number;
  /** `context()` only: token counts to which every LM call made inside the context adds its usage. */
  usage?: LMUsage;
}

const SETTING_KEYS: readonly (keyof Settings)[] = ['lm', 'adapter', 'trace', 'maxTraceSize', 'usage'];

let globalSettings: Settings = {};
const scoped = new AsyncLocalStorage<Settings>();

function validateSettings(operation: string, overrides: Partial<Settings>): void {
  if (overrides === null || typeof overrides !== 'object') {
    throw new ConfigurationError(describeProblem(`${operation} takes an object of settings.`, describeValue(overrides), `Pass e.g. { lm }.`));
  }
  const unknown = Object.keys(overrides).filter((key) => !SETTING_KEYS.includes(key as keyof Settings));
  if (unknown.length > 0) {
    throw new ConfigurationError(describeProblem(`${operation} got unknown setting(s) ${unknown.join(', ')}.`, unknown.join(', '), `Use only: ${SETTING_KEYS.join(', ')}.`));
  }
  const { lm, adapter, trace, maxTraceSize, usage } = overrides;
  if (usage !== undefined) {
    const isTotals = usage !== null && typeof usage === 'object' && ['promptTokens', 'completionTokens', 'totalTokens'].every((key) => typeof (usage as unknown as Record<string, unknown>)[key] === 'number');
    if (operation === 'configure' || !isTotals) {
      throw new ConfigurationError(
        describeProblem('usage is a context() setting holding token totals.', describeValue(usage), 'Pass context({ usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } }, fn).'),
      );
    }
  }
  if (lm !== undefined && (lm === null || typeof (lm as BaseLM).call !== 'function')) {
    throw new ConfigurationError(describeProblem('The lm setting must be an LM (a BaseLM subclass).', describeValue(lm), "Pass new LM('openai/gpt-4o-mini') or new DummyLM([...])."));
  }
  if (adapter !== undefined && (adapter === null || typeof (adapter as Adapter).call !== 'function')) {
    throw new ConfigurationError(describeProblem('The adapter setting must be an Adapter.', describeValue(adapter), 'Pass new ChatAdapter() or new JSONAdapter().'));
  }
  if (trace !== undefined && !Array.isArray(trace)) {
    throw new ConfigurationError(describeProblem('The trace setting must be an array.', describeValue(trace), 'Pass [] to start recording.'));
  }
  if (maxTraceSize !== undefined && !(Number.isInteger(maxTraceSize) && maxTraceSize > 0)) {
    throw new ConfigurationError(describeProblem('maxTraceSize must be a whole number > 0.', describeValue(maxTraceSize), 'Pass e.g. 10000.'));
  }
}

/**
 * Sets process-wide defaults (DSPy's `dspy.configure`).
 * @throws {ConfigurationError} CONFIGURATION_INVALID for unknown keys or wrong values.
 * @example configure({ lm: new LM('openai/gpt-4o-mini') });
 */
export function configure(settings: Partial<Settings>): void {
  validateSettings('configure', settings);
  globalSettings = { ...globalSettings, ...settings };
}

/**
 * Runs `fn` with `overrides` over the current settings for everything it awaits
 * (AsyncLocalStorage), so concurrent requests never see each other's settings.
 * @example await context({ lm: cheapLM }, () => program.forward({ question }));
 */
export function context<T>(overrides: Partial<Settings>, fn: () => T): T {
  validateSettings('context', overrides);
  if (typeof fn !== 'function') {
    throw new ConfigurationError(describeProblem('context needs a function to run.', describeValue(fn), 'Call context({ lm }, () => program.forward(inputs)).'));
  }
  const { usage, ...rest } = overrides;
  const settings = { ...currentSettings(), ...rest };
  return usage === undefined ? scoped.run(settings, fn) : scoped.run(settings, () => runWithUsageTotals(usage, fn));
}

/** The settings in force here: the innermost `context()`, else the configured defaults. */
export function currentSettings(): Readonly<Settings> {
  return scoped.getStore() ?? globalSettings;
}

/** Restores the defaults (for tests). */
export function resetSettings(): void {
  globalSettings = {};
}
