import 'reflect-metadata';
import { DecoratorUsageError, describeProblem } from '../errors';
import { validateOptions, type OptionRules } from '../util/validate-options';
import { MODULE_MEMBERS_KEY, SIGNATURE_FIELDS_KEY } from './metadata-keys';

/**
 * The one registry of class metadata. Decorators write here; `Module` and `Signature` read here.
 * Writes copy the class's own map (parents are never mutated); reads walk the prototype chain
 * from the base class to the derived one, the derived entry winning, and are cached per class.
 */

export type MemberKind = 'parameter' | 'predictor' | 'subModule';

export interface MemberSpec {
  readonly name: string;
  readonly kind: MemberKind;
  readonly options: Readonly<Record<string, unknown>>;
  /** The class that declared this entry (the most derived one that decorated it). */
  readonly owner: Function;
}

export type FieldKind = 'input' | 'output';

export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  readonly options: Readonly<Record<string, unknown>>;
  /** `design:type` emitted by TypeScript, the fallback for the field's primitive type. */
  readonly designType: unknown;
  readonly owner: Function;
}

type KeyedSpec = { readonly name: string; readonly kind: string };

const memberCache = new WeakMap<Function, readonly MemberSpec[]>();
const fieldCache = new WeakMap<Function, readonly FieldSpec[]>();

/**
 * True for the call TypeScript 5 emits for a standard (TC39) field decorator when
 * `experimentalDecorators` is off: `decorator(undefined, { kind: 'field', name, … })`.
 */
function isStandardDecoratorCall(target: unknown, propertyKey: unknown): boolean {
  return target === undefined && typeof propertyKey === 'object' && propertyKey !== null && typeof (propertyKey as { kind?: unknown }).kind === 'string';
}

/**
 * Validates a property decorator's target before anything is recorded.
 * @throws {DecoratorUsageError} DECORATOR_MISUSE for a standard-decorator call (naming `experimentalDecorators`), a static member or a symbol key.
 */
export function assertDecoratableProperty(decorator: string, target: object, propertyKey: string | symbol): asserts propertyKey is string {
  if (isStandardDecoratorCall(target, propertyKey)) {
    const context = propertyKey as unknown as { kind: string; name?: unknown };
    const member = String(context.name);
    throw new DecoratorUsageError(
      describeProblem(
        `@${decorator} was called as a standard (TC39) decorator, which dspex does not support.`,
        `a ${context.kind} decorator context for "${member}"`,
        'Set "experimentalDecorators": true and "emitDecoratorMetadata": true (and "useDefineForClassFields": false) in tsconfig.json.',
      ),
      { details: { decorator, member, setting: 'experimentalDecorators' } },
    );
  }
  if (typeof target === 'function') {
    throw new DecoratorUsageError(
      describeProblem(
        `@${decorator} cannot decorate a static member.`,
        `static ${String(propertyKey)} on ${(target as Function).name}`,
        `Declare "${String(propertyKey)}" as an instance property.`,
      ),
      { details: { decorator, member: String(propertyKey) } },
    );
  }
  if (typeof propertyKey !== 'string') {
    throw new DecoratorUsageError(describeProblem(`@${decorator} cannot decorate a symbol-keyed member.`, String(propertyKey), 'Use a string property name.'), {
      details: { decorator, member: String(propertyKey) },
    });
  }
}

/**
 * Checks a decorator's options with the one options helper, so a typo never silently does nothing.
 * @throws {DecoratorUsageError} DECORATOR_MISUSE with `details.decorator`, `details.option` and, for a near miss, `details.suggestion`.
 */
export function validateDecoratorOptions(decorator: string, options: unknown, rules: OptionRules): void {
  validateOptions(`@${decorator}`, options, rules, { error: (message, details) => new DecoratorUsageError(message, { details }), details: { decorator } });
}

function recordOwn<T extends KeyedSpec>(key: symbol, owner: Function, spec: T, describeKind: (spec: T) => string): void {
  const own: T[] = Reflect.getOwnMetadata(key, owner) ?? [];
  const previous = own.find((entry) => entry.name === spec.name);
  if (previous !== undefined) {
    throw new DecoratorUsageError(
      describeProblem(
        `"${spec.name}" on ${owner.name} is decorated twice.`,
        `${describeKind(previous)} and ${describeKind(spec)}`,
        'Keep one decorator per property.',
      ),
      { details: { member: spec.name } },
    );
  }
  Reflect.defineMetadata(key, [...own, spec], owner);
}

/** Records a module member (`@Parameter`, `@Predictor`, `@SubModule`) on its declaring class. */
export function recordMember(owner: Function, spec: Omit<MemberSpec, 'owner'>): void {
  recordOwn(
    MODULE_MEMBERS_KEY,
    owner,
    { ...spec, owner },
    (entry) => `@${entry.kind === 'subModule' ? 'SubModule' : entry.kind === 'parameter' ? 'Parameter' : 'Predictor'}`,
  );
  memberCache.delete(owner);
}

/** Records a signature field (`@InputField`, `@OutputField`) on its declaring class. */
export function recordField(owner: Function, spec: Omit<FieldSpec, 'owner'>): void {
  recordOwn(SIGNATURE_FIELDS_KEY, owner, { ...spec, owner }, (entry) => (entry.kind === 'input' ? '@InputField' : '@OutputField'));
  fieldCache.delete(owner);
}

/** The `design:type` TypeScript emitted for a property, or undefined. */
export function designTypeOf(target: object, propertyKey: string): unknown {
  return Reflect.getMetadata('design:type', target, propertyKey);
}

function resolveChain<T extends KeyedSpec>(key: symbol, ctor: Function, cache: WeakMap<Function, readonly T[]>): readonly T[] {
  const cached = cache.get(ctor);
  if (cached !== undefined) return cached;
  const chain: Function[] = [];
  for (let current: unknown = ctor; typeof current === 'function' && current !== Function.prototype; current = Object.getPrototypeOf(current)) {
    chain.unshift(current as Function);
  }
  const byName = new Map<string, T>();
  for (const klass of chain) {
    const own: T[] | undefined = Reflect.getOwnMetadata(key, klass);
    if (own === undefined) continue;
    // A derived entry replaces the base entry of the same name but keeps the base's position.
    for (const entry of own) byName.set(entry.name, entry);
  }
  const resolved = Object.freeze([...byName.values()]);
  cache.set(ctor, resolved);
  return resolved;
}

/** Module members of a class and its ancestors, base first, derived entries winning. */
export function membersOf(ctor: Function): readonly MemberSpec[] {
  return resolveChain(MODULE_MEMBERS_KEY, ctor, memberCache);
}

/** Signature fields of a class and its ancestors, base first, derived entries winning. */
export function fieldsOf(ctor: Function): readonly FieldSpec[] {
  return resolveChain(SIGNATURE_FIELDS_KEY, ctor, fieldCache);
}
