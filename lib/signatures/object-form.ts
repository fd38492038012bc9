import type { StandardSchemaV1 } from '@standard-schema/spec';
import { SignatureError, describeProblem, describeValue } from '../errors';
import { isStandardSchema } from '../util/is-standard-schema';
import { isPlainObject } from '../util/is-plain-object';
import { Field, type FieldKind } from './field';
import { parseFieldType } from './field-types';
import type { InferFieldType, Simplify } from './infer-signature';
import { fieldTypeOfSchema } from './schema-field-type';
import { isIdentifier } from './parse-signature';

/**
 * One field of the object form `signature(inputs, outputs)`: a Standard Schema, a DSPy type
 * string, or an object with `schema` or `type` plus `desc`, `prefix`, and `jsonSchema` (the JSON
 * Schema prompts show for a schema whose library cannot produce one).
 */
export type SignatureFieldSpec =
  | StandardSchemaV1
  | string
  | {
      readonly schema?: StandardSchemaV1;
      readonly type?: string;
      readonly desc?: string;
      readonly prefix?: string;
      readonly jsonSchema?: Readonly<Record<string, unknown>>;
    };

/** Field name → field spec: one side of the object form. */
export type SignatureFieldSpecs = Readonly<Record<string, SignatureFieldSpec>>;

/** The TypeScript type of one field spec: a schema's output type, a type string's type, `string` when untyped. */
export type FieldSpecType<F> = F extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<F>
  : F extends string
    ? InferFieldType<F>
    : F extends { readonly schema: StandardSchemaV1 }
      ? StandardSchemaV1.InferOutput<F['schema']>
      : F extends { readonly type: infer T extends string }
        ? InferFieldType<T>
        : string;

type IsOptional<T> = null extends T ? true : undefined extends T ? true : false;

/** The inputs object of the object form: a field whose type admits null or undefined may be omitted. */
export type FieldSpecInputs<F extends SignatureFieldSpecs> = Simplify<
  { -readonly [K in keyof F as IsOptional<FieldSpecType<F[K]>> extends true ? never : K]: FieldSpecType<F[K]> } & {
    -readonly [K in keyof F as IsOptional<FieldSpecType<F[K]>> extends true ? K : never]?: FieldSpecType<F[K]>;
  }
>;

/** The outputs object of the object form. */
export type FieldSpecOutputs<F extends SignatureFieldSpecs> = Simplify<{ -readonly [K in keyof F]: FieldSpecType<F[K]> }>;

const SPEC_KEYS = new Set(['schema', 'type', 'desc', 'prefix', 'jsonSchema']);

function specError(problem: string, received: unknown, fix: string, name: string): SignatureError {
  return new SignatureError(describeProblem(problem, describeValue(received), fix), { details: { field: name } });
}

function fieldOf(name: string, kind: FieldKind, spec: unknown): Field {
  if (!isIdentifier(name)) throw specError(`Field name "${name}" is not an identifier.`, name, 'Use letters, digits and _, not starting with a digit.', name);
  if (isStandardSchema(spec)) return new Field({ name, kind, type: fieldTypeOfSchema(spec), schema: spec });
  if (typeof spec === 'string') return new Field({ name, kind, type: parseFieldType(spec) });
  if (!isPlainObject(spec)) {
    throw specError(
      `Field "${name}" must be a Standard Schema, a DSPy type string, or { schema | type, desc?, prefix? }.`,
      spec,
      "Write e.g. { answer: z.number() } or { answer: 'int' }.",
      name,
    );
  }
  const unknown = Object.keys(spec).filter((key) => !SPEC_KEYS.has(key));
  if (unknown.length > 0)
    throw specError(`Field "${name}" has unknown key(s) ${unknown.join(', ')}.`, unknown, `Use only: ${[...SPEC_KEYS].join(', ')}.`, name);
  const { schema, type, desc, prefix, jsonSchema } = spec as Record<string, unknown>;
  if (schema !== undefined && type !== undefined) throw specError(`Field "${name}" takes "schema" or "type", not both.`, spec, 'Keep one of them.', name);
  if (schema !== undefined && !isStandardSchema(schema))
    throw specError(`Field "${name}" schema must be a Standard Schema (Zod 4, Valibot, ArkType, …).`, schema, 'Pass e.g. z.string().', name);
  if (type !== undefined && typeof type !== 'string')
    throw specError(`Field "${name}" type must be a DSPy type string.`, type, "Write e.g. type: 'list[str]'.", name);
  for (const [key, value] of [
    ['desc', desc],
    ['prefix', prefix],
  ] as const) {
    if (value !== undefined && typeof value !== 'string') throw specError(`Field "${name}" ${key} must be a string.`, value, `Pass a string ${key}.`, name);
  }
  if (jsonSchema !== undefined && !isPlainObject(jsonSchema))
    throw specError(`Field "${name}" jsonSchema must be a JSON Schema object.`, jsonSchema, "Pass e.g. { type: 'object', properties: { … } }.", name);
  const common = { name, kind, desc: desc as string | undefined, prefix: prefix as string | undefined };
  if (isStandardSchema(schema))
    return new Field({ ...common, type: fieldTypeOfSchema(schema, jsonSchema as Readonly<Record<string, unknown>> | undefined), schema });
  if (typeof type === 'string') return new Field({ ...common, type: parseFieldType(type) });
  return new Field(common);
}

/**
 * The fields of the object form `signature(inputs, outputs)`, inputs first.
 * @throws {SignatureError} SIGNATURE_INVALID for a side that is not an object, a bad field spec, or a name on both sides.
 */
export function fieldsFromSpecs(inputs: unknown, outputs: unknown): Field[] {
  for (const [side, value] of [
    ['inputs', inputs],
    ['outputs', outputs],
  ] as const) {
    if (!isPlainObject(value)) {
      throw new SignatureError(
        describeProblem(
          `The ${side} of signature(inputs, outputs) must be an object of fields.`,
          describeValue(value),
          'Pass e.g. signature({ question: z.string() }, { answer: z.number() }).',
        ),
      );
    }
  }
  const inputFields = Object.entries(inputs as object).map(([name, spec]) => fieldOf(name, 'input', spec));
  const outputFields = Object.entries(outputs as object).map(([name, spec]) => fieldOf(name, 'output', spec));
  const clash = inputFields.find((field) => Object.hasOwn(outputs as object, field.name));
  if (clash !== undefined) throw specError(`Field "${clash.name}" is both an input and an output.`, clash.name, 'Rename the output field.', clash.name);
  return [...inputFields, ...outputFields];
}
