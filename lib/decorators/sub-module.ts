import { assertDecoratableProperty, recordMember, validateDecoratorOptions } from './class-metadata';

/** Options of `@SubModule`. */
export interface SubModuleOptions {
  /** The sub-module's class, as a thunk so classes declared later in the file work. Created with no arguments when the property is left unassigned. */
  type?: () => new () => object;
}

/**
 * Marks a property of a `Module` subclass as a nested module. Its parameters and predictors are
 * found by `namedParameters()` under `name.`; `@SubModule({ type: () => Retriever })` creates an
 * instance when the property is left unassigned.
 * @throws {DecoratorUsageError} DECORATOR_MISUSE on a static or symbol member, unknown options, or a second decorator.
 */
export function SubModule(options: SubModuleOptions = {}): PropertyDecorator {
  validateDecoratorOptions('SubModule', options, {
    type: { kind: 'custom', check: (value) => (typeof value === 'function' ? undefined : 'a thunk returning a class, e.g. () => MyModule') },
  });
  return (target, propertyKey) => {
    assertDecoratableProperty('SubModule', target, propertyKey);
    recordMember(target.constructor, { name: propertyKey, kind: 'subModule', options: { ...options } });
  };
}
