/** What a start hook receives: `callId` pairs it with the end hook of the same call. */
export interface CallbackStart {
  readonly callId: string;
  /** The module, LM, adapter, tool or `Evaluate` being called. */
  readonly instance: object;
  /** The call's arguments by name (a module's or tool's inputs; `{ messages, options }` for an LM; …). */
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** What an end hook receives: `outputs` (null when the call failed) and `error` (null when it succeeded). */
export interface CallbackEnd {
  readonly callId: string;
  readonly instance: object;
  readonly outputs: unknown;
  readonly error: unknown;
}

/**
 * Hooks run around module, LM, adapter, tool and evaluation calls (DSPy's `BaseCallback`, camelCased).
 * Implement any of them; a hook that throws (or rejects) is logged and never breaks the call.
 */
export interface Callback {
  onModuleStart?(event: CallbackStart): unknown;
  onModuleEnd?(event: CallbackEnd): unknown;
  onLmStart?(event: CallbackStart): unknown;
  onLmEnd?(event: CallbackEnd): unknown;
  onAdapterFormatStart?(event: CallbackStart): unknown;
  onAdapterFormatEnd?(event: CallbackEnd): unknown;
  onAdapterParseStart?(event: CallbackStart): unknown;
  onAdapterParseEnd?(event: CallbackEnd): unknown;
  onToolStart?(event: CallbackStart): unknown;
  onToolEnd?(event: CallbackEnd): unknown;
  onEvaluateStart?(event: CallbackStart): unknown;
  onEvaluateEnd?(event: CallbackEnd): unknown;
}

/** Which calls a hook pair observes. */
export type CallbackKind = 'Module' | 'Lm' | 'AdapterFormat' | 'AdapterParse' | 'Tool' | 'Evaluate';

/** Every hook name, for validation. */
export const CALLBACK_HOOKS: readonly string[] = (['Module', 'Lm', 'AdapterFormat', 'AdapterParse', 'Tool', 'Evaluate'] as const).flatMap((kind) => [
  `on${kind}Start`,
  `on${kind}End`,
]);

/** Why `value` is not a list of callbacks (the `callbacks` option rule), or undefined when it is. */
export function checkCallbacks(value: unknown): string | undefined {
  const expected = `an array of objects with any of ${CALLBACK_HOOKS.join(', ')}`;
  if (!Array.isArray(value)) return expected;
  for (const [index, callback] of value.entries()) {
    if (callback === null || typeof callback !== 'object') return `${expected} (item ${index} is not an object)`;
    const names = new Set<string>();
    for (let proto: object | null = callback; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const name of Object.getOwnPropertyNames(proto)) names.add(name);
    }
    const hooks = [...names].filter((name) => /^on[A-Z]/.test(name));
    const unknown = hooks.find((name) => !CALLBACK_HOOKS.includes(name));
    if (unknown !== undefined) return `${expected} (item ${index} has "${unknown}", which is not a hook name)`;
    if (hooks.length === 0) return `${expected} (item ${index} has none)`;
    const notFunction = hooks.find((name) => typeof (callback as Record<string, unknown>)[name] !== 'function');
    if (notFunction !== undefined) return `${expected} (item ${index}'s "${notFunction}" is not a function)`;
  }
  return undefined;
}
