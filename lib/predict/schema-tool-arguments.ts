import type { StandardSchemaV1 } from '@standard-schema/spec';
import { isPlainObject } from '../util/is-plain-object';
import type { JsonSchemaObject } from './json-schema-violation';
import { jsonSchemaToolArguments, unknownArgumentProblem, type ToolArguments, type ToolArgumentsResult } from './tool-arguments';

/** A JSON Schema for a tool's whole argument object: `{ type: 'object', properties, required? }`. */
export interface ToolObjectJsonSchema {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, JsonSchemaObject>>;
  readonly required?: readonly string[];
  readonly [keyword: string]: unknown;
}

/** True for `{ type: 'object', properties: { name: schema, … } }` (with `required` a list of names when given). */
export function isObjectJsonSchema(value: unknown): value is ToolObjectJsonSchema {
  if (!isPlainObject(value) || value.type !== 'object') return false;
  const { properties, required } = value;
  if (!isPlainObject(properties) || !Object.values(properties).every((item) => isPlainObject(item))) return false;
  return required === undefined || (Array.isArray(required) && required.every((name) => typeof name === 'string'));
}

/**
 * Arguments declared by a JSON Schema for the whole argument object: the prompt prints its
 * `properties` (as DSPy prints a Python tool's arguments) and the names in `required` must be
 * given; the others may be left out (their `default`, if any, is filled in).
 */
export function objectJsonSchemaToolArguments(schema: ToolObjectJsonSchema): ToolArguments {
  return jsonSchemaToolArguments(schema.properties, schema.required ?? []);
}

/** The input JSON Schema of a Standard Schema (`~standard.jsonSchema.input`, as Zod 4 provides), when its library gives one. */
function inputJsonSchemaOf(schema: StandardSchemaV1): Readonly<Record<string, unknown>> | undefined {
  const converter = (schema['~standard'] as { jsonSchema?: { input?: (options: { target: string }) => unknown } }).jsonSchema;
  if (converter === undefined || typeof converter.input !== 'function') return undefined;
  try {
    const converted = converter.input({ target: 'draft-2020-12' });
    return isPlainObject(converted) ? converted : undefined;
  } catch {
    // A schema its library cannot convert (a transform, a custom check): the prompt shows no arguments.
    return undefined;
  }
}

/** One issue in DSPy's wording when it names an argument (`Arg city is invalid: …`), else the validator's message. */
function issueProblem(issue: StandardSchemaV1.Issue): string {
  const path = (issue.path ?? []).map((segment) => String(typeof segment === 'object' && segment !== null ? segment.key : segment));
  return path.length === 0 ? issue.message : `Arg ${path.join('.')} is invalid: ${issue.message}`;
}

/**
 * Arguments declared by a Standard Schema (Zod 4, Valibot, ArkType, …) for the whole argument
 * object. The prompt prints the properties of its input JSON Schema (names, types, descriptions);
 * an argument not among them is refused as DSPy refuses it; the rest is the validator's: the tool
 * is called with the validator's output (defaults and transforms applied). Async validators work.
 */
export function standardSchemaToolArguments(schema: StandardSchemaV1): ToolArguments {
  const json = inputJsonSchemaOf(schema);
  const properties = json !== undefined && isPlainObject(json.properties) ? (json.properties as Readonly<Record<string, JsonSchemaObject>>) : undefined;
  const printed = Object.freeze({ ...(properties ?? {}) });
  return Object.freeze({
    schema: printed,
    async parse(_toolName: string, args: Readonly<Record<string, unknown>>): Promise<ToolArgumentsResult> {
      if (properties !== undefined) {
        const unknownName = Object.keys(args).find((name) => !Object.hasOwn(properties, name));
        if (unknownName !== undefined) return { ok: false, problem: unknownArgumentProblem(unknownName) };
      }
      const result = await schema['~standard'].validate({ ...args });
      if (result.issues !== undefined) return { ok: false, problem: result.issues.map(issueProblem).join('; ') };
      const { value } = result;
      if (value === null || typeof value !== 'object') return { ok: false, problem: 'The tool schema did not produce an object of named arguments' };
      return { ok: true, value };
    },
  });
}
