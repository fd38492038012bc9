import { isPlainObject } from '../util/is-plain-object';
import { pythonRepr } from '../util/python-format';

/** A JSON schema as tools declare their arguments (`{ type: 'string' }`, `{ type: 'array', items: … }`). */
export type JsonSchemaObject = Readonly<Record<string, unknown>>;

/**
 * The first way `value` breaks `schema`, worded as Python's `jsonschema` words it (DSPy's `Tool`
 * feeds that text back to the model: `'abc' is not of type 'integer'`), or `undefined` when it fits.
 * Covers the keywords tool schemas use: type, enum, const, bounds, lengths, pattern, items,
 * properties, required, additionalProperties, anyOf, allOf.
 */
export function jsonSchemaViolation(value: unknown, schema: JsonSchemaObject): string | undefined {
  const typeProblem = checkType(value, schema.type);
  if (typeProblem !== undefined) return typeProblem;
  return (
    checkEnumAndConst(value, schema) ??
    checkNumber(value, schema) ??
    checkString(value, schema) ??
    checkArray(value, schema) ??
    checkObject(value, schema) ??
    checkCombinators(value, schema)
  );
}

function isType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isPlainObject(value);
    default:
      // Unknown type names constrain nothing, as in jsonschema.
      return true;
  }
}

function checkType(value: unknown, type: unknown): string | undefined {
  if (type === undefined) return undefined;
  const types = (Array.isArray(type) ? type : [type]).filter((item): item is string => typeof item === 'string');
  if (types.length === 0 || types.some((item) => isType(value, item))) return undefined;
  return `${pythonRepr(value)} is not of type ${types.map((item) => pythonRepr(item)).join(', ')}`;
}

function sameValue(left: unknown, right: unknown): boolean {
  return left === right || JSON.stringify(left) === JSON.stringify(right);
}

function checkEnumAndConst(value: unknown, schema: JsonSchemaObject): string | undefined {
  if (Array.isArray(schema.enum) && !schema.enum.some((item) => sameValue(item, value))) return `${pythonRepr(value)} is not one of ${pythonRepr(schema.enum)}`;
  if ('const' in schema && !sameValue(schema.const, value)) return `${pythonRepr(schema.const)} was expected`;
  return undefined;
}

function checkNumber(value: unknown, schema: JsonSchemaObject): string | undefined {
  if (typeof value !== 'number') return undefined;
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
  if (typeof minimum === 'number' && value < minimum) return `${pythonRepr(value)} is less than the minimum of ${pythonRepr(minimum)}`;
  if (typeof maximum === 'number' && value > maximum) return `${pythonRepr(value)} is greater than the maximum of ${pythonRepr(maximum)}`;
  if (typeof exclusiveMinimum === 'number' && value <= exclusiveMinimum)
    return `${pythonRepr(value)} is less than or equal to the minimum of ${pythonRepr(exclusiveMinimum)}`;
  if (typeof exclusiveMaximum === 'number' && value >= exclusiveMaximum)
    return `${pythonRepr(value)} is greater than or equal to the maximum of ${pythonRepr(exclusiveMaximum)}`;
  return undefined;
}

function checkString(value: unknown, schema: JsonSchemaObject): string | undefined {
  if (typeof value !== 'string') return undefined;
  const length = [...value].length;
  if (typeof schema.minLength === 'number' && length < schema.minLength) return `${pythonRepr(value)} is too short`;
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) return `${pythonRepr(value)} is too long`;
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
    return `${pythonRepr(value)} does not match ${pythonRepr(schema.pattern)}`;
  return undefined;
}

function checkArray(value: unknown, schema: JsonSchemaObject): string | undefined {
  if (!Array.isArray(value)) return undefined;
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) return `${pythonRepr(value)} is too short`;
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return `${pythonRepr(value)} is too long`;
  if (isPlainObject(schema.items)) {
    for (const item of value) {
      const problem = jsonSchemaViolation(item, schema.items);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function checkObject(value: unknown, schema: JsonSchemaObject): string | undefined {
  if (!isPlainObject(value)) return undefined;
  if (Array.isArray(schema.required)) {
    const missing = schema.required.find((name) => typeof name === 'string' && !Object.hasOwn(value, name));
    if (missing !== undefined) return `${pythonRepr(missing)} is a required property`;
  }
  const properties = isPlainObject(schema.properties) ? schema.properties : {};
  for (const [name, item] of Object.entries(value)) {
    const propertySchema = properties[name];
    if (isPlainObject(propertySchema)) {
      const problem = jsonSchemaViolation(item, propertySchema);
      if (problem !== undefined) return problem;
    } else if (schema.additionalProperties === false) {
      const extras = Object.keys(value).filter((key) => !Object.hasOwn(properties, key));
      return `Additional properties are not allowed (${extras.map((key) => pythonRepr(key)).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`;
    } else if (isPlainObject(schema.additionalProperties)) {
      const problem = jsonSchemaViolation(item, schema.additionalProperties);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function checkCombinators(value: unknown, schema: JsonSchemaObject): string | undefined {
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((option) => isPlainObject(option) && jsonSchemaViolation(value, option) === undefined)) {
    return `${pythonRepr(value)} is not valid under any of the given schemas`;
  }
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf) {
      const problem = isPlainObject(part) ? jsonSchemaViolation(value, part) : undefined;
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}
