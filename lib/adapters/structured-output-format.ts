import type { Signature } from '../signatures/signature';
import { jsonSchemaOf } from '../signatures/json-schema';

/** OpenAI's `response_format` asking for any JSON object. */
export const JSON_OBJECT_FORMAT: Readonly<Record<string, unknown>> = Object.freeze({ type: 'json_object' });

const SCHEMA_NAME = 'DSPyProgramOutputs';

function isSchemaObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A copy of a schema made acceptable to OpenAI's strict Structured Outputs, as DSPy's
 * `enforce_required`: every object lists all its properties as `required` and forbids others
 * (an object without declared properties becomes an empty one); arrays are handled through their items.
 */
function enforceRequired(schema: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...schema };
  if (result.type === 'object') {
    const properties = isSchemaObject(result.properties) ? result.properties : undefined;
    const enforced: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(properties ?? {})) enforced[name] = isSchemaObject(property) ? enforceRequired(property) : property;
    result.properties = enforced;
    result.required = Object.keys(enforced);
    result.additionalProperties = false;
  }
  if (result.type === 'array' && isSchemaObject(result.items)) result.items = enforceRequired(result.items);
  // dspex inlines class schemas where pydantic would use `$defs`, so unions are walked too.
  if (Array.isArray(result.anyOf)) result.anyOf = result.anyOf.map((member) => (isSchemaObject(member) ? enforceRequired(member) : member));
  return result;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/**
 * The `response_format` JSONAdapter sends (DSPy's `_get_structured_outputs_response_format`): a
 * strict JSON schema of the output fields, or `{ type: 'json_object' }` when an output is an
 * open-ended `dict` (Structured Outputs need declared properties).
 * A field whose schema cannot be built makes this throw; the caller then falls back to `json_object`.
 */
export function structuredOutputFormat(signature: Signature): Readonly<Record<string, unknown>> {
  if (signature.outputFields.some((field) => field.type.kind === 'dict')) return JSON_OBJECT_FORMAT;
  const properties: Record<string, unknown> = {};
  for (const field of signature.outputFields) {
    const schema = jsonSchemaOf(field.type);
    properties[field.name] = isSchemaObject(schema) ? schema : {};
  }
  const schema = enforceRequired({ type: 'object', properties });
  return deepFreeze({ type: 'json_schema', json_schema: { name: SCHEMA_NAME, strict: true, schema } });
}
