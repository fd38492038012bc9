import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import type { FieldType } from './field-types';

export type JsonSchema = { readonly [key: string]: unknown } | boolean;

/** Pydantic's default title for a property: words split on `_`, each capitalised. */
function pydanticTitle(name: string): string {
  return name
    .split('_')
    .map((word) => (word.length === 0 ? word : word[0].toUpperCase() + word.slice(1)))
    .join(' ');
}

/** Property names of a class as class-validator knows them, in declaration order. */
export function validatedPropertiesOf(ctor: Function): string[] {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(ctor, '', true, false);
  const names: string[] = [];
  for (const metadata of metadatas) if (!names.includes(metadata.propertyName)) names.push(metadata.propertyName);
  return names;
}

function designTypeSchema(designType: unknown): Record<string, unknown> {
  if (designType === String) return { type: 'string' };
  if (designType === Number) return { type: 'number' };
  if (designType === Boolean) return { type: 'boolean' };
  if (designType === Array) return { type: 'array', items: {} };
  if (typeof designType === 'function' && designType !== Object) return classSchema(designType);
  return {};
}

function classSchema(ctor: Function): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(ctor, '', true, false);
  for (const name of validatedPropertiesOf(ctor)) {
    const designType = Reflect.getMetadata('design:type', ctor.prototype, name);
    const isInt = metadatas.some((metadata) => metadata.propertyName === name && metadata.name === 'isInt');
    properties[name] = { ...designTypeSchema(designType), ...(isInt ? { type: 'integer' } : {}), title: pydanticTitle(name) };
    const optional = metadatas.some((metadata) => metadata.propertyName === name && metadata.type === 'conditionalValidation');
    if (!optional) required.push(name);
  }
  return { type: 'object', properties, required, title: ctor.name };
}

function literalSchema(values: readonly unknown[]): Record<string, unknown> {
  const kinds = new Set(
    values.map((value) =>
      value === null
        ? 'null'
        : typeof value === 'number'
          ? Number.isInteger(value)
            ? 'integer'
            : 'number'
          : typeof value === 'boolean'
            ? 'boolean'
            : 'string',
    ),
  );
  const schema: Record<string, unknown> = values.length === 1 ? { const: values[0] } : { enum: [...values] };
  if (kinds.size === 1) schema.type = [...kinds][0];
  return schema;
}

function rawSchema(type: FieldType | undefined): JsonSchema {
  if (type === undefined) return {};
  switch (type.kind) {
    case 'str':
      return { type: 'string' };
    case 'int':
      return { type: 'integer' };
    case 'float':
      return { type: 'number' };
    case 'bool':
      return { type: 'boolean' };
    case 'none':
      return { type: 'null' };
    case 'any':
      return {};
    case 'list':
      // A Standard Schema field keeps the JSON Schema its library gave.
      if (type.jsonSchema !== undefined) return type.jsonSchema;
      // Pydantic: a fixed tuple lists its items by position; a set's items are unique.
      if (type.items !== undefined) {
        const length = type.items.length;
        return length === 0
          ? { type: 'array', maxItems: 0, minItems: 0 }
          : { type: 'array', maxItems: length, minItems: length, prefixItems: type.items.map(rawSchema) };
      }
      if (type.collection === 'set' || type.collection === 'frozenset') return { type: 'array', items: rawSchema(type.item), uniqueItems: true };
      return { type: 'array', items: rawSchema(type.item) };
    case 'dict':
      if (type.jsonSchema !== undefined) return type.jsonSchema;
      // Pydantic writes `additionalProperties: true` for dict[str, Any].
      return { type: 'object', additionalProperties: type.value === undefined || type.value.kind === 'any' ? true : rawSchema(type.value) };
    case 'literal':
      return literalSchema(type.values);
    case 'union':
      return { anyOf: type.members.map(rawSchema) };
    case 'class':
      return classSchema(type.ctor);
    case 'image':
      // Pydantic's schema of DSPy's `Image` model.
      return { additionalProperties: false, properties: { url: { title: 'Url', type: 'string' } }, required: ['url'], title: 'Image', type: 'object' };
  }
}

/** Orders every object's keys as DSPy prints schemas: `type` first, then alphabetical. */
function sortSchemaKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortSchemaKeys);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort((left, right) => (left === 'type' ? -1 : right === 'type' ? 1 : left < right ? -1 : left > right ? 1 : 0));
  const sorted: Record<string, unknown> = {};
  for (const key of keys) sorted[key] = sortSchemaKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

/** The JSON schema pydantic gives for the type, keys in pydantic's order (XMLAdapter's outlines follow property order). */
export function pydanticSchemaOf(type: FieldType): JsonSchema {
  return rawSchema(type);
}

/** The JSON schema pydantic gives for the type, keys ordered as DSPy prints them in output hints. */
export function jsonSchemaOf(type: FieldType): JsonSchema {
  return sortSchemaKeys(rawSchema(type)) as JsonSchema;
}
