import type { StandardSchemaV1 } from '@standard-schema/spec';
import { ToolError, describeProblem, describeValue } from '../errors';
import { activeCallbacks, runWithCallbacks } from '../settings/callbacks';
import { isPlainObject } from '../util/is-plain-object';
import { isStandardSchema } from '../util/is-standard-schema';
import { validateOptions, type OptionRules } from '../util/validate-options';
import { pythonRepr } from '../util/python-format';
import { classToolArguments, type ToolArgumentsClass } from './class-tool-arguments';
import type { JsonSchemaObject } from './json-schema-violation';
import { isObjectJsonSchema, objectJsonSchemaToolArguments, standardSchemaToolArguments, type ToolObjectJsonSchema } from './schema-tool-arguments';
import { OPEN_TOOL_ARGUMENTS, isArgumentSchemaMap, jsonSchemaToolArguments, type ToolArguments } from './tool-arguments';

/** What a tool function receives besides its arguments: a signal that aborts on timeout or when the caller gives up. */
export interface ToolCallContext {
  readonly signal?: AbortSignal;
}

/**
 * A function an agent can call: it takes ONE object of named arguments (`({ city, date }) => …`)
 * and may return a value or a promise. (`never` lets any one-argument function be a tool.)
 */
export type ToolFunction = (args: never, context: ToolCallContext) => unknown;

/** What `schema` may be: a Standard Schema (Zod 4, Valibot, ArkType, …) or a JSON Schema of the argument object. */
export type ToolSchema = StandardSchemaV1 | ToolObjectJsonSchema;

/**
 * The function a tool with schema `S` wraps: with a Standard Schema, it receives the schema's
 * output type (the validated arguments); otherwise any one-argument function.
 */
export type ToolFunctionFor<S> = [S] extends [StandardSchemaV1] ? (args: StandardSchemaV1.InferOutput<S>, context: ToolCallContext) => unknown : ToolFunction;

/** Options of `new Tool(fn, options)`. */
export interface ToolOptions<S extends ToolSchema | undefined = ToolSchema | undefined> {
  /** The name the model calls the tool by (default `fn.name`). */
  name?: string;
  /** What the tool does, shown to the model (DSPy prints a function's docstring here). */
  description?: string;
  /**
   * The arguments: argument name → JSON schema (`{ query: { type: 'string' } }`), or a class whose
   * properties carry class-validator decorators. Without it any arguments are accepted and the
   * model sees `{}`.
   */
  args?: Readonly<Record<string, JsonSchemaObject>> | ToolArgumentsClass;
  /**
   * The whole argument object: a Standard Schema (`z.object({ city: z.string().describe('…') })`),
   * which also types `fn`'s argument, or a JSON Schema `{ type: 'object', properties, required }`.
   * The prompt shows each argument's name, type and description. Give `schema` or `args`, not both.
   */
  schema?: S;
  /** Longest a call may take; a slower call becomes an execution error the model sees, not a crash. */
  timeoutMs?: number;
}

/** Options of `tool.call`. */
export interface ToolCallOptions {
  signal?: AbortSignal;
}

const TOOL_OPTION_RULES: OptionRules = {
  name: { kind: 'string' },
  description: { kind: 'string', allowEmpty: true },
  // Checked by argumentsOf, which names the accepted shapes.
  args: { kind: 'any' },
  schema: { kind: 'any' },
  timeoutMs: { kind: 'duration' },
};

function invalid(problem: string, received: unknown, fix: string, details: Record<string, unknown> = {}): ToolError {
  return new ToolError(describeProblem(problem, describeValue(received), fix), { details });
}

function argumentsOf({ args, schema }: ToolOptions, name: string): ToolArguments {
  if (schema !== undefined) {
    if (args !== undefined) throw invalid(`Tool "${name}" takes "schema" or "args", not both.`, { schema, args }, 'Keep one of them.', { tool: name });
    if (isStandardSchema(schema)) return standardSchemaToolArguments(schema);
    if (isObjectJsonSchema(schema)) return objectJsonSchemaToolArguments(schema);
    throw invalid(
      `Tool "${name}" schema must be a Standard Schema (Zod 4, Valibot, ArkType, …) or a JSON Schema { type: 'object', properties, required }.`,
      schema,
      "Pass e.g. z.object({ city: z.string() }) or { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }.",
      { tool: name },
    );
  }
  if (args === undefined) return OPEN_TOOL_ARGUMENTS;
  if (typeof args === 'function') return classToolArguments(args);
  if (isArgumentSchemaMap(args)) return jsonSchemaToolArguments(args);
  throw invalid(
    `Tool "${name}" args must map argument names to JSON schemas, or be a class with class-validator decorators.`,
    args,
    "Pass e.g. { query: { type: 'string' } }.",
    { tool: name },
  );
}

/** Waits for `pending`, or rejects with the signal's reason as soon as it aborts (a hung tool cannot hold the agent). */
function untilAborted<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    // `pending` always gets handlers here, so a tool that fails after the abort cannot cause an unhandled rejection.
    pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A function wrapped for `ReAct`: a name, a description and an argument schema, all shown to the
 * model, plus an optional timeout. `call` checks the model's arguments first (as DSPy's
 * `Tool._validate_and_parse_args`) and calls the function with one object of named arguments.
 * With a Standard Schema as `schema`, `fn`'s argument is typed from it (`Tool<S>`; every
 * `Tool<S>` is a `Tool`).
 * @example
 * const weather = new Tool(async ({ city }) => `Sunny in ${city}`, {
 *   description: 'Current weather in a city.',
 *   schema: z.object({ city: z.string().describe('The city') }), // city: string
 *   timeoutMs: 5_000,
 * });
 */
// S only types the constructor's `fn`: instances do not depend on it, so every Tool<S> is a Tool.
export class Tool<S extends ToolSchema | undefined = undefined> {
  readonly name: string;
  readonly description: string | undefined;
  /** Argument name → JSON schema, as the prompt prints it (`{}` when not declared). */
  readonly args: Readonly<Record<string, JsonSchemaObject>>;
  readonly timeoutMs: number | undefined;
  readonly fn: ToolFunction;
  readonly #arguments: ToolArguments;

  /** @throws {ToolError} TOOL_INVALID when `fn` is not a function, the name is empty, or an option is invalid (`schema` and `args` together). */
  constructor(fn: ToolFunctionFor<S>, options: ToolOptions<S> = {}) {
    if (typeof fn !== 'function') throw invalid('A tool wraps a function.', fn, 'Pass the function that implements the tool.');
    const owner = fn.name === '' ? 'Tool' : `Tool "${fn.name}"`;
    validateOptions(owner, options, TOOL_OPTION_RULES, {
      error: (message, details) => new ToolError(message, { details: { tool: fn.name || undefined, ...details } }),
    });
    const name = options.name ?? fn.name;
    if (name.trim() === '') {
      throw invalid('A tool needs a name.', name, 'Pass { name } or use a named function (function search(...) { … }).');
    }
    const { timeoutMs } = options;
    this.fn = fn as ToolFunction;
    this.name = name;
    this.description = options.description === '' ? undefined : options.description;
    this.timeoutMs = timeoutMs;
    this.#arguments = argumentsOf(options, name);
    this.args = this.#arguments.schema;
  }

  /** A `Tool` as is, or a plain function wrapped with its `.name`, no description and undeclared arguments. */
  static from(value: Tool | ToolFunction): Tool {
    return value instanceof Tool ? value : new Tool(value);
  }

  /**
   * DSPy's `str(tool)`, the tool's line in ReAct's instructions:
   * `search, whose description is <desc>…</desc>. It takes arguments {'query': {'type': 'string'}}.`
   */
  format(): string {
    const description = this.description === undefined ? '.' : `, whose description is <desc>${this.description}</desc>.`.replaceAll('\n', '  ');
    return `${this.name}${description} It takes arguments ${pythonRepr(this.args)}.`;
  }

  /**
   * Checks `args` and calls the function with them. Resolves with the function's result.
   * @throws {ToolError} TOOL_INVALID when the arguments do not fit (`details.problem` holds DSPy's
   *   wording, e.g. `Arg query is invalid: 3 is not of type 'string'`), when the function throws
   *   (`cause`), or when it outlasts `timeoutMs`.
   * @throws the caller's `signal.reason` when the signal aborts.
   */
  async call(args: unknown, options: ToolCallOptions = {}): Promise<unknown> {
    const callbacks = activeCallbacks();
    if (callbacks === undefined) return this.#call(args, options);
    return runWithCallbacks(callbacks, 'Tool', this, isPlainObject(args) ? args : { args }, () => this.#call(args, options));
  }

  async #call(args: unknown, options: ToolCallOptions): Promise<unknown> {
    const callerSignal = options.signal;
    callerSignal?.throwIfAborted();
    if (!isPlainObject(args)) {
      const problem = `${this.name}() takes one object of named arguments, got ${pythonRepr(args)}`;
      throw invalid(`Tool "${this.name}" was called without an object of named arguments.`, args, 'Pass { name: value, … }.', { tool: this.name, problem });
    }
    const parsed = await this.#arguments.parse(this.name, args);
    if (!parsed.ok) {
      throw invalid(`Tool "${this.name}" got invalid arguments: ${parsed.problem}.`, args, 'Call it with the arguments its schema declares.', {
        tool: this.name,
        problem: parsed.problem,
      });
    }
    const timeout = this.timeoutMs === undefined ? undefined : new AbortController();
    const timer = timeout === undefined ? undefined : setTimeout(() => timeout.abort(this.#timeoutError()), this.timeoutMs);
    const signal = timeout === undefined ? callerSignal : callerSignal === undefined ? timeout.signal : AbortSignal.any([callerSignal, timeout.signal]);
    try {
      // Promise.resolve().then() turns a synchronous throw into a rejection handled below.
      const pending = Promise.resolve().then(() => (this.fn as (args: object, context: ToolCallContext) => unknown)(parsed.value, { signal }));
      return await (signal === undefined ? pending : untilAborted(pending, signal));
    } catch (error) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      if (timeout?.signal.aborted) throw timeout.signal.reason;
      const problem = error instanceof Error ? error.message : String(error);
      throw new ToolError(describeProblem(`Tool "${this.name}" failed: ${problem}`, undefined, 'See the cause; the agent sees this as an execution error.'), {
        cause: error,
        details: { tool: this.name, problem },
      });
    } finally {
      clearTimeout(timer);
    }
  }

  #timeoutError(): ToolError {
    const problem = `Tool ${this.name} timed out after ${this.timeoutMs} ms`;
    return new ToolError(
      describeProblem(`Tool "${this.name}" did not finish within ${this.timeoutMs} ms.`, undefined, 'Raise timeoutMs or make the tool faster.'),
      {
        details: { tool: this.name, timeoutMs: this.timeoutMs, problem },
      },
    );
  }
}
