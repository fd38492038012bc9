import { isPlainObject } from '../util/is-plain-object';
import { jsonSchemaViolation, type JsonSchemaObject } from './json-schema-violation';

/** The outcome of checking the arguments a model chose: the object to call the tool with, or DSPy's problem text. */
export type ToolArgumentsResult = { readonly ok: true; readonly value: object } | { readonly ok: false; readonly problem: string };

/**
 * What a tool knows about its arguments: the schema the prompt prints (argument name → JSON
 * schema, DSPy's `Tool.args`) and how to check and convert a model's choice.
 */
export interface ToolArguments {
  /** Argument name → JSON schema, printed in ReAct's tool list (`{}` when unknown). */
  readonly schema: Readonly<Record<string, JsonSchemaObject>>;
  /** Checks the model's arguments and returns the object the tool is called with (a promise for async validators). */
  parse(toolName: string, args: Readonly<Record<string, unknown>>): ToolArgumentsResult | Promise<ToolArgumentsResult>;
}

/**
 * DSPy's `Tool._validate_and_parse_args` wording for an argument the tool does not declare
 * (`Arg x is not in the tool's args.`), shared by both kinds of declared arguments.
 */
export function unknownArgumentProblem(name: string): string {
  return `Arg ${name} is not in the tool's args.`;
}

/** Python's wording for missing arguments (`search() missing 1 required argument: 'query'`). */
export function missingArgumentsProblem(toolName: string, missing: readonly string[]): string {
  const names = missing.map((name) => `'${name}'`);
  const listed = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${toolName}() missing ${missing.length} required argument${missing.length === 1 ? '' : 's'}: ${listed}`;
}

/**
 * Arguments of a plain function: JavaScript cannot read parameter types, so nothing is declared
 * (printed `{}`, as DSPy prints a function it cannot introspect) and any arguments are passed on,
 * as DSPy does for a function taking `**kwargs`.
 */
export const OPEN_TOOL_ARGUMENTS: ToolArguments = Object.freeze({
  schema: Object.freeze({}),
  parse: (_toolName: string, args: Readonly<Record<string, unknown>>): ToolArgumentsResult => ({ ok: true, value: { ...args } }),
});

/**
 * Arguments declared as argument name → JSON schema (`{ query: { type: 'string' } }`). As DSPy:
 * an undeclared argument is refused, and a value is checked against its schema when the schema
 * has a `type`. Arguments without a `default` are required (or those `requiredNames` lists, when
 * given); missing defaults are filled in.
 */
export function jsonSchemaToolArguments(schema: Readonly<Record<string, JsonSchemaObject>>, requiredNames?: readonly string[]): ToolArguments {
  const frozen = Object.freeze({ ...schema });
  const required = requiredNames === undefined ? Object.keys(frozen).filter((name) => !('default' in frozen[name])) : [...requiredNames];
  return Object.freeze({
    schema: frozen,
    parse(toolName: string, args: Readonly<Record<string, unknown>>): ToolArgumentsResult {
      for (const [name, value] of Object.entries(args)) {
        const argumentSchema = frozen[name];
        if (!Object.hasOwn(frozen, name)) return { ok: false, problem: unknownArgumentProblem(name) };
        // DSPy skips the check for schemas without a type (`anyOf`, `Any`).
        if (argumentSchema.type === undefined || argumentSchema.type === 'Any') continue;
        const violation = jsonSchemaViolation(value, argumentSchema);
        if (violation !== undefined) return { ok: false, problem: `Arg ${name} is invalid: ${violation}` };
      }
      const missing = required.filter((name) => !Object.hasOwn(args, name));
      if (missing.length > 0) return { ok: false, problem: missingArgumentsProblem(toolName, missing) };
      const value: Record<string, unknown> = {};
      for (const name of Object.keys(frozen)) {
        if (Object.hasOwn(args, name)) value[name] = args[name];
        else if ('default' in frozen[name]) value[name] = structuredClone(frozen[name].default);
      }
      return { ok: true, value };
    },
  });
}

/** True for a plain object whose every value is a plain object (argument name → JSON schema). */
export function isArgumentSchemaMap(value: unknown): value is Record<string, JsonSchemaObject> {
  return isPlainObject(value) && Object.values(value).every((item) => isPlainObject(item));
}
