import { getMetadataStorage, type ValidationArguments } from 'class-validator';
import { DecoratorUsageError, describeProblem } from '../errors';

/** Bounds an optimizer can search within, read from `@Min`, `@Max`, `@IsInt`, `@IsIn`. */
export interface ParameterBounds {
  readonly min?: number;
  readonly max?: number;
  readonly isInt?: boolean;
  readonly allowed?: readonly unknown[];
}

/** The class-validator constraints on one property, compiled once per class for fast checks. */
export interface ParameterConstraints {
  readonly bounds: ParameterBounds;
  /** True when `@IsOptional()` lets the parameter hold null. */
  readonly allowsNull: boolean;
  /** Problems with `value` (empty when valid), as class-validator words them. */
  validate(value: unknown): string[];
}

interface CompiledCheck {
  readonly validate: (value: unknown, args: ValidationArguments) => unknown;
  readonly message: (args: ValidationArguments) => string;
  readonly constraints: unknown[];
  readonly each: boolean;
}

const cache = new WeakMap<Function, Map<string, ParameterConstraints>>();

function renderMessage(template: string, args: ValidationArguments): string {
  let text = template
    .replace(/\$property/g, args.property)
    .replace(/\$target/g, args.targetName)
    .replace(/\$value/g, String(args.value));
  args.constraints?.forEach((constraint, index) => {
    text = text.replace(new RegExp(`\\$constraint${index + 1}`, 'g'), Array.isArray(constraint) ? constraint.join(', ') : String(constraint));
  });
  return text;
}

function compile(ctor: Function, property: string): ParameterConstraints {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(ctor, '', true, false).filter((metadata) => metadata.propertyName === property);
  const checks: CompiledCheck[] = [];
  const bounds: { min?: number; max?: number; isInt?: boolean; allowed?: readonly unknown[] } = {};
  let isOptional = false;
  for (const metadata of metadatas) {
    if (metadata.type === 'conditionalValidation') {
      isOptional = true;
      continue;
    }
    if (metadata.type !== 'customValidation') continue;
    for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
      if (constraint.async) {
        throw new DecoratorUsageError(
          describeProblem(
            `Parameter "${property}" of ${ctor.name} has an async validator.`,
            constraint.name,
            'Parameter constraints must validate synchronously.',
          ),
        );
      }
      const instance = constraint.instance as { validate: CompiledCheck['validate']; defaultMessage?: (args: ValidationArguments) => string };
      const message = metadata.message;
      checks.push({
        validate: (value, args) => instance.validate(value, args),
        message: (args) =>
          typeof message === 'function'
            ? message(args)
            : renderMessage(message ?? instance.defaultMessage?.(args) ?? `${property} failed ${metadata.name ?? constraint.name}`, args),
        constraints: metadata.constraints ?? [],
        each: metadata.each === true,
      });
    }
    if (metadata.name === 'min') bounds.min = metadata.constraints[0] as number;
    if (metadata.name === 'max') bounds.max = metadata.constraints[0] as number;
    if (metadata.name === 'isInt') bounds.isInt = true;
    if (metadata.name === 'isIn') bounds.allowed = metadata.constraints[0] as unknown[];
  }
  const targetName = ctor.name;
  return {
    bounds: Object.freeze(bounds),
    allowsNull: isOptional,
    validate(value: unknown): string[] {
      if (checks.length === 0 || (isOptional && (value === null || value === undefined))) return [];
      const problems: string[] = [];
      for (const check of checks) {
        const args: ValidationArguments = { value, constraints: check.constraints, targetName, object: {}, property };
        const values = check.each && Array.isArray(value) ? value : [value];
        try {
          if (!values.every((item) => check.validate(item, { ...args, value: item }) === true)) problems.push(check.message(args));
        } catch (error) {
          // A validator that throws on an odd value (a user's custom one, say) rejects it instead of escaping as a TypeError.
          problems.push(`${property} could not be validated: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return problems;
    },
  };
}

/** The compiled constraints of `ctor`'s `property` (cached per class). */
export function constraintsOf(ctor: Function, property: string): ParameterConstraints {
  let perClass = cache.get(ctor);
  if (perClass === undefined) {
    perClass = new Map();
    cache.set(ctor, perClass);
  }
  let compiled = perClass.get(property);
  if (compiled === undefined) {
    compiled = compile(ctor, property);
    perClass.set(property, compiled);
  }
  return compiled;
}
