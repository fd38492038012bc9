import { isPlainObject } from '../util/is-plain-object';
import { assignOwnKey, setOwnProperty } from '../util/own-property';
import { isModule } from './module-brand';
import { INTERNALS, internalsOf, type ModuleInternals } from './module-internals';
import { notifyModuleStateChange } from './module-class';

/**
 * DSPy's `deepcopy()` for modules: sub-modules, arrays and plain objects are copied; other
 * class instances (LMs, signatures, Examples, functions) are shared, as they are values or
 * services. Decorated members and parameter handles are copied with their history.
 */
export function deepCopyModule<T extends object>(module: T, copies = new Map<object, object>()): T {
  const existing = copies.get(module);
  if (existing !== undefined) return existing as T;
  const copy = Object.create(Object.getPrototypeOf(module)) as T;
  copies.set(module, copy);
  const source = internalsOf(module);
  const internals: ModuleInternals = {
    ...source,
    stateListeners: undefined,
    handles: undefined,
    members: undefined,
    positions: source.positions === undefined ? undefined : new Map(source.positions),
  };
  Object.defineProperty(copy, INTERNALS, { value: internals, enumerable: false, writable: false });
  if (source.handles !== undefined) {
    internals.handles = new Map();
    for (const [name, handle] of source.handles)
      internals.handles.set(
        name,
        handle.clone(() => notifyModuleStateChange(copy)),
      );
  }
  if (source.members !== undefined) {
    internals.members = new Map();
    for (const [name, value] of source.members) internals.members.set(name, deepCopyValue(value, copies));
  }
  for (const key of Object.keys(module)) {
    const value = deepCopyValue((module as Record<string, unknown>)[key], copies);
    // Assignment, so accessors a Module class installs still run; only "__proto__" must not reach the prototype setter.
    assignOwnKey(copy, key, value);
  }
  return copy;
}

function deepCopyValue(value: unknown, copies: Map<object, object>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (isModule(value)) return deepCopyModule(value, copies);
  const existing = copies.get(value);
  if (existing !== undefined) return existing;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    copies.set(value, copy);
    for (const item of value) copy.push(deepCopyValue(item, copies));
    return copy;
  }
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
    copies.set(value, copy);
    for (const key of Object.keys(value)) setOwnProperty(copy, key, deepCopyValue(value[key], copies));
    return copy;
  }
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof Map) return new Map([...value].map(([key, item]) => [key, deepCopyValue(item, copies)]));
  if (value instanceof Set) return new Set([...value].map((item) => deepCopyValue(item, copies)));
  return value;
}
