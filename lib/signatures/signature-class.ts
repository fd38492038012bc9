import { fieldsOf, type FieldSpec } from '../decorators/class-metadata';
import { SignatureError, describeProblem } from '../errors';
import { Field } from './field';
import { parseFieldType, STR_TYPE, type FieldType } from './field-types';

function typeOfClassField(spec: FieldSpec, className: string): { type: FieldType; isTypeUndefined: boolean } {
  const declared = spec.options.type;
  if (typeof declared === 'string') {
    try {
      return { type: parseFieldType(declared), isTypeUndefined: false };
    } catch (error) {
      throw new SignatureError(
        describeProblem(`Field "${spec.name}" of ${className} has an invalid type.`, `"${declared}"`, 'Use DSPy type spelling such as int, list[str], Optional[int].'),
        { cause: error },
      );
    }
  }
  if (typeof declared === 'function') return { type: { kind: 'class', ctor: declared as new () => object, name: declared.name }, isTypeUndefined: false };
  const designType = spec.designType;
  if (designType === String) return { type: STR_TYPE, isTypeUndefined: false };
  if (designType === Number) return { type: { kind: 'float' }, isTypeUndefined: false };
  if (designType === Boolean) return { type: { kind: 'bool' }, isTypeUndefined: false };
  if (designType === Array) return { type: { kind: 'list' }, isTypeUndefined: false };
  if (typeof designType === 'function' && designType !== Object) {
    return { type: { kind: 'class', ctor: designType as new () => object, name: designType.name }, isTypeUndefined: false };
  }
  return { type: STR_TYPE, isTypeUndefined: true };
}

/** The fields a class-form signature declares with `@InputField`/`@OutputField`, inputs first. */
export function fieldsFromClass(ctor: Function): Field[] {
  const fields = fieldsOf(ctor).map((spec) => {
    const { type, isTypeUndefined } = typeOfClassField(spec, ctor.name);
    return new Field({
      name: spec.name,
      kind: spec.kind,
      type,
      isTypeUndefined,
      desc: spec.options.desc as string | undefined,
      prefix: spec.options.prefix as string | undefined,
    });
  });
  return [...fields.filter((field) => field.kind === 'input'), ...fields.filter((field) => field.kind === 'output')];
}
