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
/** A union's failure lists this many members' messages, then how many more there are: 2,000 members would quote the value 2,000 times. */
const UNION_MESSAGES = 10;

/**
 * Where a failure is reported: a path (`''` at the top), or `QUIET` when the caller wants only
 * whether the value fits (a union's members, a list's elements): the failure is then one shared
 * object with no message, and the caller validates again with a path if it reports the failure.
 */
type Path = string | undefined;
const QUIET = undefined;
const QUIET_FAILURE: LaxResult = Object.freeze({ ok: false, message: '' });

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
 * A failure. A message given as a function is built only when read: a caller (the XML reader's
 * leaf conversion) may drop the failure, and the message quotes the value.
 */
function fail(message: string | (() => string), path: Path, problems?: readonly ValidationProblem[]): LaxResult {
  if (path === QUIET) return problems === undefined ? QUIET_FAILURE : { ok: false, message: '', problems };
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

/** `Input should be <expected>, got <value>`, as pydantic words it; quietly, no message and no closure to build one. */
function failGot(expected: string, value: unknown, path: Path): LaxResult {
  if (path === QUIET) return QUIET_FAILURE;
  return fail(() => `Input should be ${expected}, got ${shortRepr(value)}`, path);
}

function validateInt(value: unknown, strict: boolean, path: Path): LaxResult {
  if (typeof value === 'number' && Number.isInteger(value)) return ok(value);
  if (!strict && typeof value === 'boolean') return ok(value ? 1 : 0);
  if (!strict && typeof value === 'string' && INTEGER_TEXT.test(value.trim())) return ok(parseInt(value.trim(), 10));
  if (typeof value === 'number' && Number.isFinite(value)) return fail('Input should be a valid integer, got a number with a fractional part', path);
  return failGot('a valid integer', value, path);
}

function validateFloat(value: unknown, strict: boolean, path: Path): LaxResult {
  if (typeof value === 'number') return ok(value);
  if (!strict && typeof value === 'boolean') return ok(value ? 1 : 0);
  if (!strict && typeof value === 'string') {
    const text = value.trim();
    if (FLOAT_TEXT.test(text)) return ok(Number(text));
    const special = SPECIAL_FLOAT_TEXT.exec(text);
    if (special !== null) return ok(special[2].toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity);
  }
  return failGot('a valid number', value, path);
}

function validateBool(value: unknown, strict: boolean, path: Path): LaxResult {
  if (typeof value === 'boolean') return ok(value);
  if (!strict && (value === 0 || value === 1)) return ok(value === 1);
  if (!strict && typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return ok(true);
    if (FALSE_WORDS.has(word)) return ok(false);
  }
  return failGot('a valid boolean', value, path);
}

function validateList(value: unknown, item: FieldType | undefined, strict: boolean, path: Path): LaxResult {
  const items = Array.isArray(value) ? value : value instanceof Set ? [...value] : undefined;
  if (items === undefined) return failGot('a valid list', value, path);
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
    const checked = validate(element, item, strict, QUIET);
    if (!checked.ok) return path === QUIET ? checked : validate(element, item, strict, `${path}[${index}]`);
    result.push(checked.value);
  }
  return ok(result);
}

function validateDict(value: unknown, type: Extract<FieldType, { kind: 'dict' }>, strict: boolean, path: Path): LaxResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return failGot('a valid dictionary', value, path);
  const entries: [unknown, unknown][] = value instanceof Map ? [...value] : Object.entries(value);
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    // As in lists, the key's path is only built for a failure (validated again with it).
    const checkedKey = type.key === undefined ? ok(key) : validate(key, type.key, strict, QUIET);
    if (!checkedKey.ok) return path === QUIET ? checkedKey : validate(key, type.key!, strict, `${path}[${shortRepr(key)}]`);
    const checkedItem = type.value === undefined ? ok(item) : validate(item, type.value, strict, QUIET);
    if (!checkedItem.ok) return path === QUIET ? checkedItem : validate(item, type.value!, strict, `${path}[${shortRepr(key)}]`);
    // defineProperty keeps a "__proto__" key an own property instead of replacing the prototype.
    Object.defineProperty(result, String(checkedKey.value), { value: checkedItem.value, enumerable: true, writable: true, configurable: true });
  }
  return ok(result);
}

function validateLiteral(value: unknown, values: readonly LiteralValue[], path: Path): LaxResult {
  if (values.includes(value as LiteralValue)) return ok(value);
  if (path === QUIET) return QUIET_FAILURE;
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

function validateClass(value: unknown, type: Extract<FieldType, { kind: 'class' }>, strict: boolean, path: Path): LaxResult {
  let instance: object;
  if (value instanceof type.ctor) {
    instance = value;
  } else if (!strict && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const plain: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (!isUnsafeKey(key)) plain[key] = item;
    instance = plainToInstance(type.ctor, plain);
  } else {
    return failGot(`an object of ${type.name}`, value, path);
  }
  // forbidUnknownValues off: a class without decorators has nothing to check, which is not a failure.
  const problems = problemsOf(validateSync(instance, { forbidUnknownValues: false }), path ?? '');
  if (problems.length === 0) return ok(instance);
  if (path === QUIET) return fail('', path, problems);
  const summary = problems.map((problem) => `${problem.property}: ${problem.constraints.join('; ')}`).join(', ');
  return fail(`${type.name} breaks its constraints (${summary})`, '', problems);
}

/** An `Image`, or (as pydantic validates DSPy's `Image` model) an object `{ url }` holding an image URL or data URI. */
function validateImage(value: unknown, path: Path): LaxResult {
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
  return failGot('an Image (an object with an image url)', value, path);
}

/** Per union (its members list): the members whose verdict may differ between strict and lax mode. */
const laxOnlyMembers = new WeakMap<readonly FieldType[], readonly FieldType[]>();

function modeDependentMembers(members: readonly FieldType[]): readonly FieldType[] {
  let found = laxOnlyMembers.get(members);
  if (found === undefined) {
    found = members.filter(dependsOnMode);
    laxOnlyMembers.set(members, found);
  }
  return found;
}

/** False when strict and lax validation give the same verdict and value (`str`, `Literal`, `dict[str, Literal[...]]`, …). */
function dependsOnMode(type: FieldType | undefined): boolean {
  if (type === undefined) return false;
  switch (type.kind) {
    case 'int':
    case 'float':
    case 'bool':
    case 'class':
      return true;
    case 'list':
      return dependsOnMode(type.item) || (type.items !== undefined && type.items.some(dependsOnMode));
    case 'dict':
      return dependsOnMode(type.key) || dependsOnMode(type.value);
    case 'union':
      return modeDependentMembers(type.members).length > 0;
    default:
      return false;
  }
}

function validateUnion(value: unknown, members: readonly FieldType[], strict: boolean, path: Path): LaxResult {
  // Pydantic's "smart" unions: a member the value fits exactly wins over earlier members it only
  // converts to. Members are checked quietly, and a member whose verdict does not depend on the
  // mode is checked once: its strict failure is its lax failure too.
  // Problems come only from classes, which depend on the mode: the first found is the first in member order.
  let withProblems: { readonly member: FieldType; readonly failure: LaxResult } | undefined;
  for (const member of members) {
    const checked = validate(value, member, true, QUIET);
    if (checked.ok) return checked;
    if (strict && withProblems === undefined && checked.problems !== undefined) withProblems = { member, failure: checked };
  }
  if (!strict) {
    for (const member of modeDependentMembers(members)) {
      const checked = validate(value, member, false, QUIET);
      if (checked.ok) return checked;
      if (withProblems === undefined && checked.problems !== undefined) withProblems = { member, failure: checked };
    }
  }
  if (withProblems !== undefined) return path === QUIET ? withProblems.failure : validate(value, withProblems.member, strict, path);
  if (path === QUIET) return QUIET_FAILURE;
  return fail(() => unionMessage(value, members, strict, path), '');
}

/** The members' messages in order, as pydantic lists them, the first `UNION_MESSAGES` of them and how many more fail. */
function unionMessage(value: unknown, members: readonly FieldType[], strict: boolean, path: string): string {
  const shown = Math.min(members.length, UNION_MESSAGES);
  let message = '';
  for (let index = 0; index < shown; index += 1) {
    const checked = validate(value, members[index], strict, path);
    message += `${index === 0 ? '' : '; '}${checked.ok ? '' : checked.message}`;
  }
  const more = members.length - shown;
  return more === 0 ? message : `${message}; and ${more} more member${more === 1 ? '' : 's'} of the union, which the value does not fit either`;
}

function validate(value: unknown, type: FieldType, strict: boolean, path: Path): LaxResult {
  switch (type.kind) {
    case 'any':
      return ok(value);
    case 'none':
      return value === null || value === undefined ? ok(null) : failGot('None', value, path);
    case 'str':
      return typeof value === 'string' ? ok(value) : failGot('a valid string', value, path);
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
