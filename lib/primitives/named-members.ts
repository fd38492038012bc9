import { isPlainObject } from '../util/is-plain-object';
import { classInfoOf, parameterHandleOf } from './module-class';
import { isModule, isPredictor } from './module-brand';
import { internalsOf } from './module-internals';
import { ParameterHandle } from './parameter-handle';
import type { Predict } from '../predict/predict';

/** What `namedParameters()` yields: scalar parameter handles and predictors (the learnable prompts). */
export type NamedParameterValue = ParameterHandle | Predict;

/**
 * A module's attributes as DSPy's `__dict__` would list them: own enumerable properties in
 * insertion order, with decorated members placed where they were first assigned (an unassigned
 * one takes its declaration position). Parameters appear as their handles.
 */
function attributeEntries(module: object): [string, unknown][] {
  const ownKeys = Object.keys(module);
  const members = classInfoOf(module).members;
  const own = (key: string): [string, unknown] => [key, (module as Record<string, unknown>)[key]];
  if (members.length === 0) return ownKeys.map(own);
  const internals = internalsOf(module);
  const decorated: { entry: [string, unknown]; position: number; order: number }[] = [];
  let lastPosition = 0;
  members.forEach((spec, order) => {
    const position = internals.positions?.get(spec.name) ?? lastPosition;
    lastPosition = position;
    const value = spec.kind === 'parameter' ? parameterHandleOf(module, spec.name) : (module as Record<string, unknown>)[spec.name];
    if (value !== undefined) decorated.push({ entry: [spec.name, value], position, order });
  });
  decorated.sort((left, right) => left.position - right.position || left.order - right.order);
  const result: [string, unknown][] = [];
  let next = 0;
  ownKeys.forEach((key, index) => {
    while (next < decorated.length && decorated[next].position <= index) result.push(decorated[next++].entry);
    result.push(own(key));
  });
  while (next < decorated.length) result.push(decorated[next++].entry);
  return result;
}

/** DSPy's `named_parameters`: see API.md § Modules for naming and the compiled-module rule. */
export function collectNamedParameters(module: object): [string, NamedParameterValue][] {
  const found: [string, NamedParameterValue][] = [];
  const seen = new Set<unknown>();
  const add = (name: string, value: NamedParameterValue): void => {
    if (seen.has(value)) return;
    seen.add(value);
    found.push([name, value]);
  };
  if (isPredictor(module)) add('self', module as unknown as Predict);
  walkParameters(module, '', add, new Set([module]));
  return found;
}

function walkParameters(module: object, prefix: string, add: (name: string, value: NamedParameterValue) => void, visiting: Set<unknown>): void {
  const visit = (name: string, value: unknown, depth: number): void => {
    if (value instanceof ParameterHandle || isPredictor(value)) {
      add(name, value as NamedParameterValue);
    } else if (isModule(value)) {
      // A compiled sub-module is frozen: its parameters are not tuned again (DSPy).
      if (internalsOf(value).compiled || visiting.has(value)) return;
      visiting.add(value);
      walkParameters(value, `${name}.`, add, visiting);
      visiting.delete(value);
    } else if (depth === 0 && Array.isArray(value)) {
      value.forEach((item, index) => visit(`${name}[${index}]`, item, 1));
    } else if (depth === 0 && isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) visit(`${name}['${key}']`, item, 1);
    }
  };
  for (const [name, value] of attributeEntries(module)) visit(`${prefix}${name}`, value, 0);
}

/** DSPy's `named_sub_modules`: breadth-first from `['self', module]`, dict keys unquoted. */
export function collectNamedSubModules(module: object): [string, object][] {
  const result: [string, object][] = [];
  const seen = new Set<unknown>([module]);
  const queue: [string, object][] = [['self', module]];
  while (queue.length > 0) {
    const [name, current] = queue.shift()!;
    result.push([name, current]);
    const enqueue = (childName: string, value: unknown): void => {
      if (isModule(value) && !seen.has(value)) {
        seen.add(value);
        queue.push([childName, value]);
      }
    };
    for (const [attribute, value] of attributeEntries(current)) {
      if (Array.isArray(value)) value.forEach((item, index) => enqueue(`${name}.${attribute}[${index}]`, item));
      else if (isPlainObject(value)) for (const [key, item] of Object.entries(value)) enqueue(`${name}.${attribute}[${key}]`, item);
      else enqueue(`${name}.${attribute}`, value);
    }
  }
  return result;
}

/** A path segment: a property name, an array index, or a quoted dict key. */
type PathSegment = { kind: 'name' | 'key'; key: string } | { kind: 'index'; index: number };

const SEGMENT = /([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\[([^\]'[]+)\]/g;

/** Splits `retrieve.k`, `hops[0].k`, `tools['search']` into segments; undefined when malformed. */
function parsePath(path: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  let consumed = 0;
  for (const match of path.matchAll(SEGMENT)) {
    const gap = path.slice(consumed, match.index);
    if (gap !== '' && gap !== '.') return undefined;
    consumed = match.index + match[0].length;
    if (match[1] !== undefined) segments.push({ kind: 'name', key: match[1] });
    else if (match[2] !== undefined) segments.push({ kind: 'index', index: Number(match[2]) });
    else segments.push({ kind: 'key', key: match[3] ?? match[4] });
  }
  return consumed === path.length && segments.length > 0 ? segments : undefined;
}

function step(container: unknown, segment: PathSegment): unknown {
  if (container === null || typeof container !== 'object') return undefined;
  if (segment.kind === 'index') return Array.isArray(container) ? container[segment.index] : undefined;
  if (!Object.prototype.hasOwnProperty.call(container, segment.key) && !(isModule(container) && classInfoOf(container).memberIndex.has(segment.key))) {
    return undefined;
  }
  return (container as Record<string, unknown>)[segment.key];
}

/** The parameter handle at `path` (compiled sub-modules included), or undefined. */
export function findParameterHandle(module: object, path: string): ParameterHandle | undefined {
  const segments = parsePath(path);
  if (segments === undefined) return undefined;
  let container: unknown = module;
  for (const segment of segments.slice(0, -1)) container = step(container, segment);
  const last = segments[segments.length - 1];
  if (!isModule(container) || last.kind !== 'name') return undefined;
  const spec = classInfoOf(container).parameters.get(last.key);
  return spec === undefined ? undefined : parameterHandleOf(container, last.key);
}

/** Replaces the value at a `namedPredictors()` path (used by `mapNamedPredictors`). */
export function replaceAtPath(module: object, path: string, value: unknown): void {
  const segments = parsePath(path)!;
  let container: unknown = module;
  for (const segment of segments.slice(0, -1)) container = step(container, segment);
  const last = segments[segments.length - 1];
  if (last.kind === 'index') (container as unknown[])[last.index] = value;
  else (container as Record<string, unknown>)[last.key] = value;
}
