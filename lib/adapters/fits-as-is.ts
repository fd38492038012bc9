import type { FieldType } from '../signatures/field-types';

/**
 * True when lax validation returns `value` itself for `type`, in strict and lax mode alike: the
 * first case of each scalar validator (an integer for `int`, a number for `float`, …) and `Any`.
 * Collections check their elements with it first, so the common element costs no result object.
 */
export function fitsAsIs(value: unknown, type: FieldType): boolean {
  switch (type.kind) {
    case 'any':
      return true;
    case 'str':
      return typeof value === 'string';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number';
    case 'bool':
      return typeof value === 'boolean';
    default:
      return false;
  }
}

/**
 * How many of the leading elements fit `type` as they are. A function of its own: a loop inlined
 * in a larger function is compiled on the fly (OSR) and dropped again at the first untried line after it.
 */
export function countFittingAsIs(elements: readonly unknown[], type: FieldType | undefined): number {
  if (type === undefined) return elements.length;
  let index = 0;
  while (index < elements.length && fitsAsIs(elements[index], type)) index += 1;
  return index;
}
