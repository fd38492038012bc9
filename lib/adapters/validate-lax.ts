import { Image } from './types/image';
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { FieldType, LiteralValue } from '../signatures/field-types';
import { isUnsafeKey } from '../util/unsafe-keys';
import { countFittingAsIs, fitsAsIs } from './fits-as-is';
import { validateCollection } from './validate-collection';
import { pythonRepr, pythonStringRepr } from '../util/python-format';

/** One constraint a class-typed value breaks: the property path and class-validator's messages. */
export interface ValidationProblem {
  readonly property: string;
  readonly constraints: readonly string[];
}

/** The outcome of validating a value against a field type: the converted value, or why it does not fit. */
export type LaxResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string; readonly problems?: readonly ValidationProblem[] };

const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);
const INTEGER_TEXT = /^[-+]?\d+(?:\.0*)?$/;
// One way to split the digits: `\d+\.?\d*` could split a digit run anywhere, and backtracked quadratically.
const FLOAT_TEXT = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const SPECIAL_FLOAT_TEXT = /^([-+]?)(inf|infinity|nan)$/i;

const MESSAGE_ITEMS = 10;
const MESSAGE_TEXT = 100;

/**
 * `repr()` of a value for a message, cut short (first items, first characters, three levels): a
 * union's message names the value once per member, and must not copy a 1 MB reply each time.
 */
function shortRepr(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value.length <= MESSAGE_TEXT ? pythonStringRepr(value) : `${pythonStringRepr(value.slice(0, MESSAGE_TEXT))}...`;
  if (value === null || typeof value !== 'object' || value instanceof Map || value instanceof Set) return pythonRepr(value);
  if (depth >= 3) return Array.isArray(value) ? '[...]' : '{...}';
  const more = (count: number): string => (count > MESSAGE_ITEMS ? ', ...' : '');
  if (Array.isArray(value))
    return `[${value
      .slice(0, MESSAGE_ITEMS)
      .map((item) => shortRepr(item, depth + 1))
      .join(', ')}${more(value.length)}]`;
  const keys = Object.keys(value);
  const entries = keys.slice(0, MESSAGE_ITEMS).map((key) => `${pythonStringRepr(key)}: ${shortRepr((value as Record<string, unknown>)[key], depth + 1)}`);
  return `{${entries.join(', ')}${more(keys.length)}}`;
}

function ok(value: unknown): LaxResult {
  return { ok: true, value };
}

/**
 * A failure. A message given as a function is built only when read: a union tries every member
 * and reports few of their messages, so the others (each quoting the value) cost nothing.
 */
function fail(message: string | (() => string), path: string, problems?: readonly ValidationProblem[]): LaxResult {
  if (typeof message === 'string') return { ok: false, message: path === '' ? message : `${path}: ${message}`, problems };
  let text: string | undefined;
  return {
    ok: false,
    get message(): string {
      if (text === undefined) {
        const built = message();
        text = path === '' ? built : `${path}: ${built}`;
      }
      return text;
    },
    problems,
  };
}

function validateInt(value: unknown, strict: boolean, path: string): LaxResult {
  if (typeof value === 'number' && Number.isInteger(value)) return ok(value);
  if (!strict && typeof value === 'boolean') return ok(value ? 1 : 0);
  if (!strict && typeof value === 'string' && INTEGER_TEXT.test(value.trim())) return ok(parseInt(value.trim(), 10));
  if (typeof value === 'number' && Number.isFinite(value)) return fail('Input should be a valid integer, got a number with a fractional part', path);
  return fail(() => `Input should be a valid integer, got ${shortRepr(value)}`, path);
}

function validateFloat(value: unknown, strict: boolean, path: string): LaxResult {
  if (typeof value === 'number') return ok(value);
  if (!strict && typeof value === 'boolean') return ok(value ? 1 : 0);
  if (!strict && typeof value === 'string') {
    const text = value.trim();
    if (FLOAT_TEXT.test(text)) return ok(Number(text));
    const special = SPECIAL_FLOAT_TEXT.exec(text);
    if (special !== null) return ok(special[2].toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity);
  }
  return fail(() => `Input should be a valid number, got ${shortRepr(value)}`, path);
}

function validateBool(value: unknown, strict: boolean, path: string): LaxResult {
  if (typeof value === 'boolean') return ok(value);
  if (!strict && (value === 0 || value === 1)) return ok(value === 1);
  if (!strict && typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return ok(true);
    if (FALSE_WORDS.has(word)) return ok(false);
  }
  return fail(() => `Input should be a valid boolean, got ${shortRepr(value)}`, path);
}

function validateList(value: unknown, item: FieldType | undefined, strict: boolean, path: string): LaxResult {
  const items = Array.isArray(value) ? value : value instanceof Set ? [...value] : undefined;
  if (items === undefined) return fail(() => `Input should be a valid list, got ${shortRepr(value)}`, path);
  if (item === undefined) return ok([...items]);
  // Elements that fit as they are (usually all) cost no result object each, and when all do the
  // list is its own result: the values validated here are fresh from a parser, and copying a
  // 300,000-element list (a 1 MB reply) costs as much as reading it.
  let index = countFittingAsIs(items, item);
  if (index === items.length) return ok(items);
  const result = items.slice(0, index);
  for (; index < items.length; index += 1) {
    const element = items[index];
    if (fitsAsIs(element, item)) {
      result.push(element);
      continue;
    }
    // The item's path is only built for a failure (validated again with it): a 300,000-item list costs no strings.
    const checked = validate(element, item, strict, '');
    if (!checked.ok) return validate(element, item, strict, `${path}[${index}]`);
    result.push(checked.value);
  }
  return ok(result);
}

function validateDict(value: unknown, type: Extract<FieldType, { kind: 'dict' }>, strict: boolean, path: string): LaxResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return fail(() => `Input should be a valid dictionary, got ${shortRepr(value)}`, path);
  const entries: [unknown, unknown][] = value instanceof Map ? [...value] : Object.entries(value);
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    // As in lists, the key's path is only built for a failure (validated again with it).
    const checkedKey = type.key === undefined ? ok(key) : validate(key, type.key, strict, '');
    if (!checkedKey.ok) return validate(key, type.key!, strict, `${path}[${shortRepr(key)}]`);
    const checkedItem = type.value === undefined ? ok(item) : validate(item, type.value, strict, '');
    if (!checkedItem.ok) return validate(item, type.value!, strict, `${path}[${shortRepr(key)}]`);
    // defineProperty keeps a "__proto__" key an own property instead of replacing the prototype.
    Object.defineProperty(result, String(checkedKey.value), { value: checkedItem.value, enumerable: true, writable: true, configurable: true });
  }
  return ok(result);
}

function validateLiteral(value: unknown, values: readonly LiteralValue[], path: string): LaxResult {
  if (values.includes(value as LiteralValue)) return ok(value);
  return fail(() => {
    const allowed = values.map((allowedValue) => pythonRepr(allowedValue));
    const listed = allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
    return `Input should be ${listed}, got ${shortRepr(value)}`;
  }, path);
}

function problemsOf(errors: readonly ValidationError[], parent: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const error of errors) {
    const property = parent === '' ? error.property : `${parent}.${error.property}`;
    if (error.constraints !== undefined) problems.push({ property, constraints: Object.values(error.constraints) });
    if (error.children !== undefined && error.children.length > 0) problems.push(...problemsOf(error.children, property));
  }
  return problems;
}

function validateClass(value: unknown, type: Extract<FieldType, { kind: 'class' }>, strict: boolean, path: string): LaxResult {
  let instance: object;
  if (value instanceof type.ctor) {
    instance = value;
  } else if (!strict && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const plain: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (!isUnsafeKey(key)) plain[key] = item;
    instance = plainToInstance(type.ctor, plain);
  } else {
    return fail(() => `Input should be an object of ${type.name}, got ${shortRepr(value)}`, path);
  }
  // forbidUnknownValues off: a class without decorators has nothing to check, which is not a failure.
  const problems = problemsOf(validateSync(instance, { forbidUnknownValues: false }), path);
  if (problems.length === 0) return ok(instance);
  const summary = problems.map((problem) => `${problem.property}: ${problem.constraints.join('; ')}`).join(', ');
  return fail(`${type.name} breaks its constraints (${summary})`, '', problems);
}

/** An `Image`, or (as pydantic validates DSPy's `Image` model) an object `{ url }` holding an image URL or data URI. */
function validateImage(value: unknown, path: string): LaxResult {
  if (Image.isImage(value)) return ok(value);
  const url =
    value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 ? (value as { url?: unknown }).url : undefined;
  if (typeof url === 'string') {
    try {
      return ok(Image.fromUrl(url));
    } catch {
      // Falls through to the failure below.
    }
  }
  return fail(() => `Input should be an Image (an object with an image url), got ${shortRepr(value)}`, path);
}

function validateUnion(value: unknown, members: readonly FieldType[], strict: boolean, path: string): LaxResult {
  // Pydantic's "smart" unions: a member the value fits exactly wins over earlier members it only converts to.
  const passes = strict ? [true] : [true, false];
  const failures: LaxResult[] = [];
  for (const strictPass of passes) {
    for (const member of members) {
      const checked = validate(value, member, strictPass, path);
      if (checked.ok) return checked;
      if (!strictPass || strict) failures.push(checked);
    }
  }
  const withProblems = failures.find((failure) => !failure.ok && failure.problems !== undefined);
  if (withProblems !== undefined) return withProblems;
  return fail(() => failures.map((failure) => (failure.ok ? '' : failure.message)).join('; '), '');
}

function validate(value: unknown, type: FieldType, strict: boolean, path: string): LaxResult {
  switch (type.kind) {
    case 'any':
      return ok(value);
    case 'none':
      return value === null || value === undefined ? ok(null) : fail(() => `Input should be None, got ${shortRepr(value)}`, path);
    case 'str':
      return typeof value === 'string' ? ok(value) : fail(() => `Input should be a valid string, got ${shortRepr(value)}`, path);
    case 'int':
      return validateInt(value, strict, path);
    case 'float':
      return validateFloat(value, strict, path);
    case 'bool':
      return validateBool(value, strict, path);
    case 'list':
      // Tuples and sets: their own rules (validate-collection.ts), elements through this validator.
      if (type.collection !== undefined) return validateCollection(value, type, (item, itemType, itemPath) => validate(item, itemType, strict, itemPath), path);
      return validateList(value, type.item, strict, path);
    case 'dict':
      return validateDict(value, type, strict, path);
    case 'literal':
      return validateLiteral(value, type.values, path);
    case 'union':
      return validateUnion(value, type.members, strict, path);
    case 'class':
      return validateClass(value, type, strict, path);
    case 'image':
      return validateImage(value, path);
  }
}

/**
 * Validates a value against a field type with pydantic's lax-mode conversions, as DSPy's
 * `parse_value` does: `"42"` → 42 for `int`, `"yes"` → true for `bool`, lists and dicts item by
 * item, unions member by member, classes through class-transformer and class-validator.
 * The value is handed over: a list (or tuple) whose elements all fit as they are is returned as it is, not copied.
 */
export function validateLax(value: unknown, type: FieldType): LaxResult {
  return validate(value, type, false, '');
}
