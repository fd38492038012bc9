import { DecoratorUsageError, describeProblem, describeValue } from '../errors';
import { assertDecoratableProperty, assertKnownOptions, designTypeOf, recordField } from './class-metadata';

/** Options of `@InputField` / `@OutputField`. */
export interface FieldOptions {
  /** What the field holds; shown to the LM in the system message. */
  desc?: string;
  /** DSPy's legacy prefix; kept in saved state, never printed in prompts. */
  prefix?: string;
  /** The field's type in DSPy spelling (`int`, `list[str]`, `Literal['a', 'b']`, …) or a class with class-validator decorators. */
  type?: string | Function;
}

const FIELD_OPTION_KEYS = ['desc', 'prefix', 'type'] as const;

function fieldDecorator(decorator: 'InputField' | 'OutputField', options: FieldOptions): PropertyDecorator {
  assertKnownOptions(decorator, options, FIELD_OPTION_KEYS);
  for (const key of ['desc', 'prefix'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'string') {
      throw new DecoratorUsageError(describeProblem(`@${decorator} option "${key}" must be a string.`, describeValue(options[key]), `Pass a string ${key}.`));
    }
  }
  if (options.type !== undefined && typeof options.type !== 'string' && typeof options.type !== 'function') {
    throw new DecoratorUsageError(
      describeProblem(`@${decorator} option "type" must be a DSPy type string or a class.`, describeValue(options.type), "Write type: 'int' or type: MyClass."),
    );
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
