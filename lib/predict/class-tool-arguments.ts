import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { designTypeOf } from '../decorators/class-metadata';
import { validatedPropertiesOf } from '../signatures/json-schema';
import type { JsonSchemaObject } from './json-schema-violation';
import { missingArgumentsProblem, unknownArgumentProblem, type ToolArguments, type ToolArgumentsResult } from './tool-arguments';

/** A class whose properties carry class-validator decorators, describing a tool's arguments. */
export type ToolArgumentsClass = new () => object;

// class-validator decorator name → the JSON schema type it implies.
const TYPE_BY_DECORATOR: Readonly<Record<string, string>> = {
  isInt: 'integer',
  isNumber: 'number',
  isString: 'string',
  isBoolean: 'boolean',
  isArray: 'array',
  isObject: 'object',
};

function typeFromDesignType(designType: unknown): string | undefined {
  if (designType === String) return 'string';
  if (designType === Number) return 'number';
  if (designType === Boolean) return 'boolean';
  if (designType === Array) return 'array';
  if (typeof designType === 'function' && designType !== Object) return 'object';
  return undefined;
}

/** The schema DSPy would print for one argument (`{'type': 'integer', 'minimum': 1, 'default': 3}`). */
function propertySchema(ctor: ToolArgumentsClass, name: string, defaults: Readonly<Record<string, unknown>>): Record<string, unknown> {
  // Stacked decorators are applied bottom-up; reversing restores the order they are written in.
  const metadatas = getMetadataStorage()
    .getTargetValidationMetadatas(ctor, '', true, false)
    .filter((metadata) => metadata.propertyName === name)
    .reverse();
  const declaredType = metadatas.map((metadata) => TYPE_BY_DECORATOR[metadata.name ?? '']).find((type) => type !== undefined);
  const schema: Record<string, unknown> = {};
  const type = declaredType ?? typeFromDesignType(designTypeOf(ctor.prototype, name));
  if (type !== undefined) schema.type = type;
  for (const metadata of metadatas) {
    const [constraint] = metadata.constraints ?? [];
    if (metadata.name === 'isIn' && Array.isArray(constraint)) schema.enum = [...constraint];
    else if (metadata.name === 'min') schema.minimum = constraint;
    else if (metadata.name === 'max') schema.maximum = constraint;
    else if (metadata.name === 'minLength') schema.minLength = constraint;
    else if (metadata.name === 'maxLength') schema.maxLength = constraint;
  }
  if (defaults[name] !== undefined) schema.default = defaults[name];
  return schema;
}

function isOptional(ctor: ToolArgumentsClass, name: string): boolean {
  return getMetadataStorage()
    .getTargetValidationMetadatas(ctor, '', true, false)
    .some((metadata) => metadata.propertyName === name && metadata.type === 'conditionalValidation');
}

function firstProblem(errors: readonly ValidationError[], parent = ''): string | undefined {
  for (const error of errors) {
    const property = parent === '' ? error.property : `${parent}.${error.property}`;
    if (error.constraints !== undefined) return `Arg ${property} is invalid: ${Object.values(error.constraints).join('; ')}`;
    const nested = firstProblem(error.children ?? [], property);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

/**
 * Arguments declared by a class with class-validator decorators (`@IsString() city!: string`).
 * The printed schema comes from the decorators and `design:type`; property initializers are
 * defaults. The model's arguments are converted with class-transformer and validated with
 * class-validator, and the tool is called with the resulting instance.
 */
export function classToolArguments(ctor: ToolArgumentsClass): ToolArguments {
  const names = validatedPropertiesOf(ctor);
  const defaults = new ctor() as Record<string, unknown>;
  const schema: Record<string, JsonSchemaObject> = {};
  for (const name of names) schema[name] = Object.freeze(propertySchema(ctor, name, defaults));
  const required = names.filter((name) => defaults[name] === undefined && !isOptional(ctor, name));
  return Object.freeze({
    schema: Object.freeze(schema),
    parse(toolName: string, args: Readonly<Record<string, unknown>>): ToolArgumentsResult {
      const unknown = Object.keys(args).find((name) => !names.includes(name));
      if (unknown !== undefined) return { ok: false, problem: unknownArgumentProblem(unknown) };
      const missing = required.filter((name) => !Object.hasOwn(args, name));
      if (missing.length > 0) return { ok: false, problem: missingArgumentsProblem(toolName, missing) };
      const instance = plainToInstance(ctor, { ...args });
      // forbidUnknownValues off: a class with nothing to check is not a failure.
      const problem = firstProblem(validateSync(instance, { forbidUnknownValues: false }));
      return problem === undefined ? { ok: true, value: instance } : { ok: false, problem };
    },
  });
}
