import type { StandardSchemaV1 } from '@standard-schema/spec';
import { DecoratorUsageError, describeProblem, describeValue } from '../errors';
import { isStandardSchema } from '../util/is-standard-schema';
import type { OptionRules } from '../util/validate-options';
import { assertDecoratableProperty, designTypeOf, recordField, validateDecoratorOptions } from './class-metadata';

/** Options of `@InputField` / `@OutputField`. */
export interface FieldOptions {
  /** What the field holds; shown to the LM in the system message. */
  desc?: string;
  /** DSPy's legacy prefix; kept in saved state, never printed in prompts. */
  prefix?: string;
  /** The field's type in DSPy spelling (`int`, `list[str]`, `Literal['a', 'b']`, …) or a class with class-validator decorators. */
  type?: string | Function;
  /** A Standard Schema (Zod 4, Valibot, ArkType, …) giving the field's type; LM outputs are validated with it. */
  schema?: StandardSchemaV1;
  /** The JSON Schema the prompt shows for a `schema` whose library cannot produce one itself. */
  jsonSchema?: Readonly<Record<string, unknown>>;
}

const FIELD_OPTION_RULES: OptionRules = {
  desc: { kind: 'string', allowEmpty: true },
  prefix: { kind: 'string', allowEmpty: true },
  type: {
    kind: 'custom',
    check: (value) => (typeof value === 'string' || typeof value === 'function' ? undefined : "a DSPy type string or a class, e.g. type: 'int'"),
  },
  schema: {
    kind: 'custom',
    check: (value) => (isStandardSchema(value) ? undefined : 'a Standard Schema (Zod 4, Valibot, ArkType, …), e.g. schema: z.string()'),
  },
  jsonSchema: { kind: 'object' },
};

function fieldDecorator(decorator: 'InputField' | 'OutputField', options: FieldOptions): PropertyDecorator {
  validateDecoratorOptions(decorator, options, FIELD_OPTION_RULES);
  if (options.schema !== undefined && options.type !== undefined) {
    throw new DecoratorUsageError(describeProblem(`@${decorator} takes "type" or "schema", not both.`, describeValue(options.type), 'Keep one of them.'));
  }
  return (target, propertyKey) => {
    assertDecoratableProperty(decorator, target, propertyKey);
    recordField(target.constructor, {
      name: propertyKey,
      kind: decorator === 'InputField' ? 'input' : 'output',
      options: { ...options },
      designType: designTypeOf(target, propertyKey),
    });
  };
}

/** Declares an input field of a class-form `Signature`. */
export function InputField(options: FieldOptions = {}): PropertyDecorator {
  return fieldDecorator('InputField', options);
}

/** Declares an output field of a class-form `Signature`. */
export function OutputField(options: FieldOptions = {}): PropertyDecorator {
  return fieldDecorator('OutputField', options);
}
