import { AsyncLocalStorage } from 'node:async_hooks';
import { configurationError } from '../errors';
import type { Adapter } from '../adapters/adapter';
import { checkCallbacks, type Callback } from './callback';
import type { BaseLM } from '../lm/base-lm';
import { runWithUsageTotals } from '../lm/usage-scope';
import { validateOption, validateOptions, type OptionRules } from '../util/validate-options';
import type { UsageTotals } from '../lm/usage';

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
  /** `context()` only: totals to which every LM call made inside the context adds its usage and cost (`cost` may be left out: it starts at 0). */
  usage?: UsageTotals;
  /** Hooks run around module, LM, adapter, tool and evaluation calls (a `context()` value replaces the configured list). */
  callbacks?: readonly Callback[];
}

let globalSettings: Settings = {};
const scoped = new AsyncLocalStorage<Settings>();

const isUsageTotals = (value: unknown): boolean =>
  value !== null &&
  typeof value === 'object' &&
  ['promptTokens', 'completionTokens', 'totalTokens'].every((key) => typeof (value as Record<string, unknown>)[key] === 'number') &&
  isCostTotal((value as Record<string, unknown>).cost);

/** A running cost: a number, `null` (unknown), or left out (starts at 0). */
const isCostTotal = (cost: unknown): boolean => cost === undefined || cost === null || typeof cost === 'number';

const BASE_RULES: OptionRules = {
  lm: {
    kind: 'custom',
    check: (value) =>
      value !== null && typeof (value as BaseLM).call === 'function' ? undefined : "an LM (a BaseLM subclass), e.g. new LM('openai/gpt-4o-mini')",
  },
  adapter: {
    kind: 'custom',
    check: (value) => (value !== null && typeof (value as Adapter).call === 'function' ? undefined : 'an Adapter, e.g. new ChatAdapter()'),
  },
  trace: { kind: 'custom', check: (value) => (Array.isArray(value) ? undefined : 'an array ([] starts recording)') },
  maxTraceSize: { kind: 'integer', min: 1 },
  callbacks: { kind: 'custom', check: checkCallbacks },
};

const CONFIGURE_RULES: OptionRules = {
  ...BASE_RULES,
  usage: {
    kind: 'custom',
    check: () => 'left out: usage is a context() setting (context({ usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: 0 } }, fn))',
  },
};

const CONTEXT_RULES: OptionRules = {
  ...BASE_RULES,
  usage: {
    kind: 'custom',
    check: (value) => (isUsageTotals(value) ? undefined : 'usage totals: { promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: 0 }'),
  },
};

/**
 * Sets process-wide defaults (DSPy's `dspy.configure`).
 * @throws {ConfigurationError} CONFIGURATION_INVALID for unknown keys or wrong values.
 * @example configure({ lm: new LM('openai/gpt-4o-mini') });
 */
export function configure(settings: Partial<Settings>): void {
  validateOptions('configure', settings, CONFIGURE_RULES, { error: configurationError, allowUndefined: false });
  globalSettings = { ...globalSettings, ...settings };
}

/**
 * Runs `fn` with `overrides` over the current settings for everything it awaits
 * (AsyncLocalStorage), so concurrent requests never see each other's settings.
 * @example await context({ lm: cheapLM }, () => program.forward({ question }));
 */
export function context<T>(overrides: Partial<Settings>, fn: () => T): T {
  validateOptions('context', overrides, CONTEXT_RULES, { error: configurationError, allowUndefined: false });
  validateOption('context', 'fn', fn, { kind: 'function', required: true }, { error: configurationError });
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
