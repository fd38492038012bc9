import { isPlainObject } from './is-plain-object';
import { MAX_NESTING_DEPTH } from './nesting-depth';

function describeKind(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null) {
    const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
    return prototype === null ? 'an object without a prototype (Object.create(null))' : `a ${prototype.constructor?.name ?? 'class'} instance`;
  }
  return `of type ${typeof value}`;
}

function problemAt(value: unknown, path: string, depth: number, ancestors: Set<object>): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is ${describeKind(value)}, which JSON cannot hold`;
  if (typeof value !== 'object') return `${path} is ${describeKind(value)}, which JSON cannot hold`;
  if (depth >= MAX_NESTING_DEPTH) return `${path} nests more than ${MAX_NESTING_DEPTH} levels deep`;
  if (ancestors.has(value)) return `${path} refers back to itself (a cycle)`;
  const isArray = Array.isArray(value);
  if (!isArray && !(isPlainObject(value) && Object.getPrototypeOf(value) === Object.prototype)) return `${path} is ${describeKind(value)}, not plain JSON data`;
  if (Object.getOwnPropertySymbols(value).length > 0) return `${path} has symbol keys, which JSON cannot hold`;
  ancestors.add(value);
  try {
    if (isArray) {
      for (let index = 0; index < value.length; index += 1) {
        if (!Object.hasOwn(value, index)) return `${path}[${index}] is a hole, which JSON cannot hold`;
        const problem = problemAt(value[index], `${path}[${index}]`, depth + 1, ancestors);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    for (const key of Object.keys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
      if (descriptor.get !== undefined || descriptor.set !== undefined) return `${path}.${key} is an accessor, not plain JSON data`;
      const problem = problemAt(descriptor.value, `${path}.${key}`, depth + 1, ancestors);
      if (problem !== undefined) return problem;
    }
    return undefined;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * Why `value` is not plain JSON data that saves and loads back unchanged, or undefined when it is:
 * null, booleans, strings, finite numbers, and arrays and `{}` objects of those, at most
 * `MAX_NESTING_DEPTH` levels deep. Functions, symbols, BigInt, `undefined`, NaN/±Infinity, class
 * instances, `Object.create(null)`, accessors, holes and cycles are refused. Never throws, whatever `value` is
 * (proxies aside).
 */
export function jsonDataProblem(value: unknown, name = 'value'): string | undefined {
  return problemAt(value, name, 0, new Set());
}
