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
