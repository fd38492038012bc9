import type { StandardSchemaV1 } from '@standard-schema/spec';
import { STR_TYPE, unionOf, type FieldType, type LiteralValue } from './field-types';

type JsonObject = Readonly<Record<string, unknown>>;

const SIMPLE: Readonly<Record<string, FieldType>> = {
  string: STR_TYPE,
  integer: Object.freeze({ kind: 'int' }),
  number: Object.freeze({ kind: 'float' }),
  boolean: Object.freeze({ kind: 'bool' }),
  null: Object.freeze({ kind: 'none' }),
};
const ANY_TYPE: FieldType = Object.freeze({ kind: 'any' });

function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isLiteralValue(value: unknown): value is LiteralValue {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * The schema's JSON Schema for its output: the field's `jsonSchema` option when given, else the
 * schema's own Standard JSON Schema converter (`~standard.jsonSchema.output`), else undefined.
 */
export function jsonSchemaOfStandardSchema(schema: StandardSchemaV1, given?: JsonObject): JsonObject | undefined {
  if (given !== undefined) return given;
  const converter = (schema['~standard'] as { jsonSchema?: { output?: (options: { target: string }) => unknown } }).jsonSchema;
  if (converter === undefined || typeof converter.output !== 'function') return undefined;
  let converted: unknown;
  try {
    converted = converter.output({ target: 'draft-2020-12' });
  } catch {
    // A schema its library cannot convert (a transform, a custom check) is shown as Any.
    return undefined;
  }
  if (!isJsonObject(converted)) return undefined;
  const { $schema: _dialect, ...rest } = converted;
  return rest;
}

/**
 * The field type DSPy would name for a JSON Schema: `str`, `int`, `float`, `bool`, `Literal[...]`
 * (an enum or const), unions of those; an array or object keeps its JSON Schema, which prompts show.
 */
export function fieldTypeOfJsonSchema(json: JsonObject, depth = 0): FieldType {
  if (depth > 32) return ANY_TYPE;
  if (Array.isArray(json.enum) && json.enum.length > 0 && json.enum.every(isLiteralValue))
    return Object.freeze({ kind: 'literal', values: Object.freeze([...json.enum]) });
  if ('const' in json && isLiteralValue(json.const)) return Object.freeze({ kind: 'literal', values: Object.freeze([json.const]) });
  const alternatives = Array.isArray(json.anyOf) ? json.anyOf : Array.isArray(json.oneOf) ? json.oneOf : undefined;
  if (alternatives !== undefined && alternatives.length > 0 && alternatives.every(isJsonObject)) {
    return unionOf(alternatives.map((member) => fieldTypeOfJsonSchema(member, depth + 1)));
  }
  if (Array.isArray(json.type)) return unionOf(json.type.map((type) => fieldTypeOfJsonSchema({ ...json, type }, depth + 1)));
  const type = json.type;
  if (typeof type === 'string' && Object.hasOwn(SIMPLE, type)) return SIMPLE[type];
  if (type === 'array') {
    const item = isJsonObject(json.items) ? fieldTypeOfJsonSchema(json.items, depth + 1) : undefined;
    return Object.freeze({ kind: 'list', item, jsonSchema: json });
  }
  if (type === 'object') return Object.freeze({ kind: 'dict', key: STR_TYPE, value: ANY_TYPE, jsonSchema: json });
  return ANY_TYPE;
}

/** A Standard Schema field's type: from its JSON Schema (own or given), else `Any` (parsed as JSON when it can be). */
export function fieldTypeOfSchema(schema: StandardSchemaV1, jsonSchema?: JsonObject): FieldType {
  const json = jsonSchemaOfStandardSchema(schema, jsonSchema);
  return json === undefined ? ANY_TYPE : fieldTypeOfJsonSchema(json);
}
