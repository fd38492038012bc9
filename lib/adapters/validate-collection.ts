import type { FieldType } from '../signatures/field-types';
import { countFittingAsIs, fitsAsIs } from './fits-as-is';
import type { LaxResult } from './validate-lax';

type CollectionType = Extract<FieldType, { kind: 'list' }>;

/**
 * Validates one element against its type, at `path` (the caller's recursive validator); with no
 * path, quietly: a failure without a message, for a caller that only asks whether the value fits.
 */
export type ValidateItem = (value: unknown, type: FieldType, path: string | undefined) => LaxResult;

const QUIET_FAILURE: LaxResult = Object.freeze({ ok: false, message: '' });

function fail(message: string, path: string | undefined): LaxResult {
  if (path === undefined) return QUIET_FAILURE;
  return { ok: false, message: path === '' ? message : `${path}: ${message}` };
}

/** Python's equality for set members: `1`, `1.0` and `True` are one member; containers compare by value. */
function memberKey(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'n1' : 'n0';
  if (typeof value === 'number') return `n${value}`;
  if (typeof value === 'string') return `s${value}`;
  return `j${JSON.stringify(value)}`;
}

/**
 * Pydantic's lax validation of a `tuple[...]`, `set[...]` or `frozenset[...]` value given as an
 * array (or a JavaScript `Set`): a fixed tuple checks its length and each position's type, a
 * `tuple[T, ...]` checks every element against `T`, and a set drops repeated members, keeping
 * the first. The value stays an array (JSON has no tuples or sets).
 */
export function validateCollection(value: unknown, type: CollectionType, validateItem: ValidateItem, path: string | undefined): LaxResult {
  const elements = Array.isArray(value) ? value : value instanceof Set ? [...value] : undefined;
  const name = type.collection ?? 'list';
  if (elements === undefined) return fail(`Input should be a valid ${name === 'tuple' ? 'tuple' : name === 'list' ? 'list' : 'set'}`, path);
  if (type.items !== undefined) {
    const result: unknown[] = [];
    if (elements.length > type.items.length) {
      return fail(`Tuple should have at most ${type.items.length} item${type.items.length === 1 ? '' : 's'} after validation, not ${elements.length}`, path);
    }
    for (let index = 0; index < type.items.length; index += 1) {
      const itemPath = path === undefined ? undefined : `${path}[${index}]`;
      if (index >= elements.length) return fail('Field required', itemPath);
      const checked = validateItem(elements[index], type.items[index], itemPath);
      if (!checked.ok) return checked;
      result.push(checked.value);
    }
    return { ok: true, value: result };
  }
  const seen = type.collection === 'set' || type.collection === 'frozenset' ? new Set<string>() : undefined;
  const item = type.item;
  // As in lists: a tuple whose elements all fit as they are is its own result, with no result object per element.
  let index = seen === undefined ? countFittingAsIs(elements, item) : 0;
  if (index === elements.length && seen === undefined) return { ok: true, value: elements };
  const result = elements.slice(0, index);
  for (; index < elements.length; index += 1) {
    let element = elements[index];
    if (item !== undefined && !fitsAsIs(element, item)) {
      // The element's path is only built for a failure (validated again with it).
      const checked = validateItem(element, item, undefined);
      if (!checked.ok) return path === undefined ? checked : validateItem(element, item, `${path}[${index}]`);
      element = checked.value;
    }
    if (seen !== undefined) {
      const key = memberKey(element);
      if (seen.has(key)) continue;
      seen.add(key);
    }
    result.push(element);
  }
  return { ok: true, value: result };
}
