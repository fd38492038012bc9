import type { StandardSchemaV1 } from '@standard-schema/spec';
import { fieldsOf, type FieldSpec } from '../decorators/class-metadata';
import { SignatureError, describeProblem } from '../errors';
import { Field } from './field';
import { fieldTypeOfClass, parseFieldType, STR_TYPE, type FieldType } from './field-types';
import { fieldTypeOfSchema } from './schema-field-type';

interface ClassFieldType {
  type: FieldType;
  isTypeUndefined: boolean;
  schema?: StandardSchemaV1;
}

/** `@OutputField({ type: '…' })` as the fix for a field whose reflected type says too little. */
function typeOptionFix(spec: FieldSpec, spelling: string): string {
  const decorator = spec.kind === 'input' ? 'InputField' : 'OutputField';
  return `Give the type: @${decorator}({ type: '${spelling}' }), or a Standard Schema: @${decorator}({ schema }).`;
}

function typeOfClassField(spec: FieldSpec, className: string): ClassFieldType {
  const declared = spec.options.type;
  if (typeof declared === 'string') {
    try {
      return { type: parseFieldType(declared), isTypeUndefined: false };
    } catch (error) {
      throw new SignatureError(
        describeProblem(
          `Field "${spec.name}" of ${className} has an invalid type.`,
          `"${declared}"`,
          'Use DSPy type spelling such as int, list[str], Optional[int].',
        ),
        { cause: error },
      );
    }
  }
  if (typeof declared === 'function') return { type: fieldTypeOfClass(declared), isTypeUndefined: false };
  const schema = spec.options.schema as StandardSchemaV1 | undefined;
  if (schema !== undefined) {
    return { type: fieldTypeOfSchema(schema, spec.options.jsonSchema as Readonly<Record<string, unknown>> | undefined), isTypeUndefined: false, schema };
  }
  const designType = spec.designType;
  if (designType === String) return { type: STR_TYPE, isTypeUndefined: false };
  if (designType === Number) return { type: { kind: 'float' }, isTypeUndefined: false };
  if (designType === Boolean) return { type: { kind: 'bool' }, isTypeUndefined: false };
  const where = `Field "${spec.name}" of ${className}`;
  if (designType === undefined) {
    throw new SignatureError(
      describeProblem(
        `${where} has no type: neither a "type" option, a "schema", nor design:type metadata.`,
        'no design:type (emitDecoratorMetadata is off, or a loader such as tsx or esbuild drops it)',
        `Set "emitDecoratorMetadata": true in tsconfig.json, or give the type in the decorator: ${typeOptionFix(spec, 'str')} (plain JavaScript writes type: 'str').`,
      ),
      { details: { field: spec.name, signature: className, setting: 'emitDecoratorMetadata' } },
    );
  }
  if (designType === Array) {
    throw new SignatureError(
      describeProblem(
        `${where} is an array, and design:type cannot say what it holds.`,
        'design:type Array (from e.g. string[])',
        typeOptionFix(spec, 'list[str]'),
      ),
      { details: { field: spec.name, signature: className, designType: 'Array' } },
    );
  }
  if (designType === Object) {
    throw new SignatureError(
      describeProblem(
        `${where} has a type design:type cannot carry (a union such as string | null, an interface, any or unknown).`,
        'design:type Object',
        typeOptionFix(spec, 'Optional[str]'),
      ),
      { details: { field: spec.name, signature: className, designType: 'Object' } },
    );
  }
  if (typeof designType === 'function') {
    return { type: fieldTypeOfClass(designType), isTypeUndefined: false };
  }
  return { type: STR_TYPE, isTypeUndefined: true };
}

/** The fields a class-form signature declares with `@InputField`/`@OutputField`, inputs first. */
export function fieldsFromClass(ctor: Function): Field[] {
  const fields = fieldsOf(ctor).map((spec) => {
    const { type, isTypeUndefined, schema } = typeOfClassField(spec, ctor.name);
    return new Field({
      name: spec.name,
      kind: spec.kind,
      type,
      isTypeUndefined,
      desc: spec.options.desc as string | undefined,
      prefix: spec.options.prefix as string | undefined,
      schema,
    });
  });
  return [...fields.filter((field) => field.kind === 'input'), ...fields.filter((field) => field.kind === 'output')];
}
