import { describeValue as describeReceived } from '../errors/describe-problem';
import { isPlainObject } from './is-plain-object';

/**
 * The one options-validation helper (issue 10/11): every options object a public entry point takes
 * is checked here, so every option error has the same three-part shape, the same "did you mean",
 * and the caller's domain code (each caller passes the error class of its domain).
 */

/** The longest delay a Node timer honours (2 ** 31 - 1 ms); longer ones fire after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Builds the domain error for a failed check. `details` always names the `option`. */
export type OptionErrorFactory = (message: string, details: Record<string, unknown>) => Error;

interface RuleBase {
  /** The option must be present (not `undefined`). */
  readonly required?: boolean;
}

/** What one option may hold. */
export type OptionRule = RuleBase &
  (
    | { readonly kind: 'boolean' }
    | { readonly kind: 'string'; readonly allowEmpty?: boolean }
    | { readonly kind: 'function' }
    | { readonly kind: 'signal' }
    | { readonly kind: 'object' }
    | { readonly kind: 'any' }
    /** Milliseconds: 1 … 2 ** 31 - 1; 0 when `allowZero` ("at once"); `Infinity` when `allowInfinity`. */
    | { readonly kind: 'duration'; readonly allowZero?: boolean; readonly allowInfinity?: boolean }
    /** A whole number in [min, max]; `Infinity` when `allowInfinity`. */
    | { readonly kind: 'integer'; readonly min?: number; readonly max?: number; readonly allowInfinity?: boolean }
    /** A finite number in [min, max]. */
    | { readonly kind: 'number'; readonly min?: number; readonly max?: number }
    | { readonly kind: 'oneOf'; readonly values: readonly unknown[] }
    /** `check` returns undefined when the value is fine, else what was expected (e.g. "an Embedder"). */
    | { readonly kind: 'custom'; readonly check: (value: unknown) => string | undefined }
  );

/** A `logger` option: a pino logger (anything with `child`, as dspex only makes child loggers of it). */
export const LOGGER_RULE: OptionRule = {
  kind: 'custom',
  check: (value) => (typeof (value as { child?: unknown } | null)?.child === 'function' ? undefined : 'a pino logger'),
};

/** The rules of an options object, one per known option name. */
export type OptionRules = Readonly<Record<string, OptionRule>>;

/** How `validateOptions` treats keys it does not know. */
export interface ValidateOptionsSettings {
  /** The domain error to throw. */
  readonly error: OptionErrorFactory;
  /**
   * `'closed'` (default): an unknown key is an error. `'pass-through'`: as `LM`, `Embedder` and
   * `Predict` config, which also forward request parameters to the server, only a key within two
   * edits (ignoring case) of a known option is an error; the rest are returned in `passThrough`.
   */
  readonly unknownKeys?: 'closed' | 'pass-through';
  /** Extra facts for every error's details (e.g. a child id). */
  readonly details?: Record<string, unknown>;
  /** Allow `undefined` for the whole options object (treated as `{}`); default true. */
  readonly allowUndefined?: boolean;
}

/** What `validateOptions` found: the known options as given, and the pass-through rest. */
export interface ValidatedOptions {
  readonly known: Record<string, unknown>;
  readonly passThrough: Record<string, unknown>;
}

/**
 * Checks `options` against `rules` and returns its known options and (for pass-through sets) the
 * rest. Values are returned unchanged; defaults stay the caller's business.
 * @throws whatever `settings.error` builds, naming the option, the value received and the fix.
 */
export function validateOptions(owner: string, options: unknown, rules: OptionRules, settings: ValidateOptionsSettings): ValidatedOptions {
  const known: Record<string, unknown> = {};
  const passThrough: Record<string, unknown> = {};
  if (options === undefined && settings.allowUndefined !== false) {
    assertRequiredPresent(owner, known, rules, settings);
    return { known, passThrough };
  }
  if (!isPlainObject(options)) {
    throw settings.error(message(`${owner}: options must be a plain object.`, describeReceived(options), `Pass an object such as { ${exampleKey(rules)} }.`), {
      ...settings.details,
      option: undefined,
    });
  }
  const names = Object.keys(rules);
  for (const key of Object.keys(options)) {
    const value = options[key];
    if (Object.prototype.hasOwnProperty.call(rules, key)) {
      if (value !== undefined) checkValue(owner, key, value, rules[key], settings);
      known[key] = value;
      continue;
    }
    const suggestion = closestName(key, names);
    if (settings.unknownKeys === 'pass-through' && suggestion === undefined) {
      passThrough[key] = value;
      continue;
    }
    const fix = suggestion !== undefined ? `Did you mean "${suggestion}"?` : `Known options: ${names.join(', ')}.`;
    throw settings.error(message(`${owner}: unknown option "${key}".`, describeReceived(value), fix), { ...settings.details, option: key, suggestion });
  }
  assertRequiredPresent(owner, known, rules, settings);
  return { known, passThrough };
}

/**
 * Checks one value against one rule (for options that arrive outside an options object).
 * @throws whatever `settings.error` builds.
 */
export function validateOption(
  owner: string,
  name: string,
  value: unknown,
  rule: OptionRule,
  settings: Pick<ValidateOptionsSettings, 'error' | 'details'>,
): void {
  if (value === undefined) {
    if (rule.required === true)
      throw settings.error(message(`${owner}: option "${name}" is required.`, undefined, `Pass ${name}.`), { ...settings.details, option: name });
    return;
  }
  checkValue(owner, name, value, rule, settings);
}

function assertRequiredPresent(
  owner: string,
  known: Record<string, unknown>,
  rules: OptionRules,
  settings: Pick<ValidateOptionsSettings, 'error' | 'details'>,
): void {
  for (const [name, rule] of Object.entries(rules)) {
    if (rule.required === true && known[name] === undefined) {
      throw settings.error(message(`${owner}: option "${name}" is required.`, undefined, `Pass ${expectation(rule)} as ${name}.`), {
        ...settings.details,
        option: name,
      });
    }
  }
}

function checkValue(owner: string, name: string, value: unknown, rule: OptionRule, settings: Pick<ValidateOptionsSettings, 'error' | 'details'>): void {
  const expected = rule.kind === 'custom' ? rule.check(value) : isValid(value, rule) ? undefined : expectation(rule);
  if (expected === undefined) return;
  throw settings.error(
    message(`${owner}: option "${name}" must be ${expected}.`, describeReceived(value), `Pass ${expected}, or leave "${name}" out for its default.`),
    {
      ...settings.details,
      option: name,
    },
  );
}

function isValid(value: unknown, rule: OptionRule): boolean {
  switch (rule.kind) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string' && (rule.allowEmpty === true || value.length > 0);
    case 'function':
      return typeof value === 'function';
    case 'signal':
      return value instanceof AbortSignal;
    case 'object':
      return isPlainObject(value);
    case 'any':
      return true;
    case 'duration':
      return isDuration(value, rule);
    case 'integer':
      if (value === Infinity) return rule.allowInfinity === true;
      return Number.isInteger(value) && (value as number) >= (rule.min ?? -Infinity) && (value as number) <= (rule.max ?? Infinity);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= (rule.min ?? -Infinity) && value <= (rule.max ?? Infinity);
    case 'oneOf':
      return rule.values.includes(value);
    case 'custom':
      return rule.check(value) === undefined;
  }
}

/** True for a duration timers can honour: 1 … 2 ** 31 - 1 ms, 0 or Infinity where allowed. */
export function isDuration(value: unknown, rule: { readonly allowZero?: boolean; readonly allowInfinity?: boolean } = {}): value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) return false;
  if (value === Infinity) return rule.allowInfinity === true;
  if (value === 0) return rule.allowZero === true;
  return value >= 1 && value <= MAX_TIMER_MS;
}

function expectation(rule: OptionRule): string {
  switch (rule.kind) {
    case 'boolean':
      return 'true or false';
    case 'string':
      return rule.allowEmpty === true ? 'a string' : 'a non-empty string';
    case 'function':
      return 'a function';
    case 'signal':
      return 'an AbortSignal';
    case 'object':
      return 'a plain object';
    case 'any':
      return 'a value';
    case 'duration': {
      const extras = [rule.allowZero === true ? '0 (at once)' : undefined, rule.allowInfinity === true ? 'Infinity' : undefined].filter(Boolean);
      return `a whole or fractional number of milliseconds from 1 to ${MAX_TIMER_MS}${extras.length > 0 ? `, or ${extras.join(' or ')}` : ''}`;
    }
    case 'integer': {
      const range = rule.max === undefined ? `≥ ${rule.min ?? 0}` : `from ${rule.min ?? 0} to ${rule.max}`;
      return `a whole number ${range}${rule.allowInfinity === true ? ' (or Infinity)' : ''}`;
    }
    case 'number': {
      if (rule.min !== undefined && rule.max !== undefined) return `a finite number from ${rule.min} to ${rule.max}`;
      if (rule.min !== undefined) return `a finite number ≥ ${rule.min}`;
      return 'a finite number';
    }
    case 'oneOf':
      return `one of ${rule.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'custom':
      return 'valid';
  }
}

function exampleKey(rules: OptionRules): string {
  const first = Object.keys(rules)[0];
  return first === undefined ? '' : `${first}: …`;
}

function message(problem: string, received: string | undefined, fix: string): string {
  return received === undefined ? `${problem} ${fix}` : `${problem} Received: ${received}. ${fix}`;
}

/**
 * The known name within two edits of `key`, ignoring case (`baseUrl` → `baseURL`, `apikey` →
 * `apiKey`, `timeout` → `timeoutMs`); undefined when nothing is that close. Linear in the names; each comparison is
 * bounded by the two names' lengths, and names longer than 64 characters are never close.
 */
export function closestName(key: string, names: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of names) {
    const candidate = name.toLowerCase();
    const distance = editDistance(lower, candidate, bestDistance);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning `limit`) once it must be ≥ limit. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      current.push(value);
      if (value < rowMinimum) rowMinimum = value;
    }
    if (rowMinimum >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length], limit);
}
