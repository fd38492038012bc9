import { isPythonSpace } from '../util/python-text';
import { isAsciiWordCode } from '../util/ascii-word';
import { assignOwnKey } from '../util/own-property';
import { MAX_NESTING_DEPTH } from '../util/nesting-depth';
import { mayBeStrictJson } from './strict-json-check';
import { PlainJsonReader } from './plain-json-reader';
import { RECENT_TEXT_MAX, RecentTexts } from './recent-texts';
import { PythonNumberText, pythonFloatText, pythonIntText } from '../util/python-number-text';

/**
 * DSPy reads JSON replies with `json_repair.loads`: strict JSON when the text is valid, else a
 * forgiving reader that skips prose around the value, closes what the reply left open, and
 * accepts single quotes, unquoted keys and values, trailing commas, comments, `True`/`FALSE`,
 * Python tuples and numbers such as `1_000` or `.5`. This is that reader, re-written from its
 * documented behaviour (golden cases in the spec), with two guarantees json_repair lacks: one
 * pass over the text (each look-ahead stops at the next quote, and is cached), and nesting
 * refused past `MAX_NESTING_DEPTH`.
 *
 * Where json_repair returns `""` (nothing JSON-like found) this returns `NOTHING_FOUND` too.
 */

/** What `repairJson` found: a value (`''` when nothing JSON-like), or `tooDeep` when nesting was refused. */
export type RepairJsonResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly tooDeep: true };

/** Options of `repairJson`. */
export interface RepairJsonOptions {
  /** Numbers come back as `PythonNumberText` (Python's `str()` of the number), for `str` fields. */
  readonly numberText?: boolean;
  /** Plain JSON objects go to `PlainJsonReader` first (default true); false only to compare both readings. */
  readonly plainObjects?: boolean;
}

/** json_repair's result when the text holds nothing JSON-like. */
export const NOTHING_FOUND = '';

const TOO_DEEP: RepairJsonResult = Object.freeze({ ok: false, tooDeep: true });

type Context = 'key' | 'value' | 'array';

class NestingTooDeep extends Error {}

const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const LEFT_QUOTE = 0x201c;
const RIGHT_QUOTE = 0x201d;
const BACKSLASH = 0x5c;

/** A character json_repair treats as a string delimiter: `"`, `'`, `“`, `”`. */
function isDelimiter(code: number): boolean {
  return code === QUOTE || code === APOSTROPHE || code === LEFT_QUOTE || code === RIGHT_QUOTE;
}

/** The look-ahead cache slot of a delimiter (`nextUnescaped` is only asked for delimiters). */
function delimiterSlot(code: number): number {
  return code === QUOTE ? 0 : code === APOSTROPHE ? 1 : code === LEFT_QUOTE ? 2 : 3;
}

const ALPHANUMERIC = /[\p{L}\p{N}]/u;
const ALPHABETIC = /\p{L}/u;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', b: '\b', '\\': '\\' };

function isHexCode(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x66);
}

/** Where a top-level value or comment can start (everything else at the top level is prose). */
const TOP_LEVEL_START = /[{[#/]/g;
/** How many characters are looked at one by one before that native scan. */
const TOP_LEVEL_NEAR = 8;

function isTopLevelStart(code: number): boolean {
  return code === 0x7b || code === 0x5b || code === 0x23 || code === 0x2f;
}

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a);
}

function isAlphanumeric(char: string | undefined): boolean {
  if (char === undefined) return false;
  const code = char.charCodeAt(0);
  if (code < 128) return (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a);
  return ALPHANUMERIC.test(char);
}

function isAlphabetic(char: string | undefined): boolean {
  if (char === undefined) return false;
  const code = char.charCodeAt(0);
  if (code < 128) return (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a;
  return ALPHABETIC.test(char);
}

/** Python's `str.rstrip()`. */
function rstrip(text: string): string {
  let end = text.length;
  while (end > 0 && isPythonSpace(text.charCodeAt(end - 1))) end -= 1;
  return end === text.length ? text : text.slice(0, end);
}

/** Python truthiness of a parsed value (json_repair drops falsy top-level values). */
function isTruthy(value: unknown): boolean {
  if (value === null || value === false || value === '' || value === 0) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return value instanceof PythonNumberText ? value.text !== '0' && value.text !== '0.0' : hasOwnKey(value);
  return true;
}

/** The object has an own enumerable key (no key array built). */
function hasOwnKey(value: object): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return true;
  return false;
}

function isStrictlyEmpty(value: unknown): boolean {
  if (value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return value !== null && typeof value === 'object' && !(value instanceof PythonNumberText) && !hasOwnKey(value);
}

/** json_repair's `is_same_object`: same types and the same keys, all the way down (a repeated object is an update). */
function isSameShape(left: unknown, right: unknown, depth = 0): boolean {
  if (depth > MAX_NESTING_DEPTH) return false;
  // Same kind: null, array, or the same `typeof` (a loop and early exits: no closure or key array per item).
  if (left === null || right === null) return left === right;
  const leftIsArray = Array.isArray(left);
  if (leftIsArray !== Array.isArray(right) || typeof left !== typeof right) return false;
  if (leftIsArray) {
    const leftItems = left as unknown[];
    const rightItems = right as unknown[];
    if (leftItems.length !== rightItems.length) return false;
    for (let index = 0; index < leftItems.length; index += 1) if (!isSameShape(leftItems[index], rightItems[index], depth + 1)) return false;
    return true;
  }
  if (typeof left !== 'object') return true;
  const leftRecord = left as Record<string, unknown>;
  const rightRecord = right as Record<string, unknown>;
  let leftCount = 0;
  for (const key in leftRecord) {
    if (!Object.hasOwn(leftRecord, key)) continue;
    leftCount += 1;
    if (!Object.hasOwn(rightRecord, key) || !isSameShape(leftRecord[key], rightRecord[key], depth + 1)) return false;
  }
  let rightCount = 0;
  for (const key in rightRecord) if (Object.hasOwn(rightRecord, key)) rightCount += 1;
  return leftCount === rightCount;
}

/** `t`, `f` or `n` in either case: where `true`/`false`/`null` can start. */
function isWordStart(code: number): boolean {
  const lower = code | 0x20;
  return lower === 0x74 || lower === 0x66 || lower === 0x6e;
}

/** A character json_repair drops from the end of a number: `-`, `e`, `E`, `/`, `,`. */
function isNumberTail(code: number): boolean {
  return code === 0x2d || code === 0x65 || code === 0x45 || code === 0x2f || code === 0x2c;
}

/** Items per chunk while an array is read (a chunk stays a small, ordinary heap object). */
const ARRAY_CHUNK = 8192;

// One way to split the digits (no backtracking on a long run).
const NUMBER_TEXT_FLOAT = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
/** Python refuses to convert longer digit strings to `int` (`sys.get_int_max_str_digits()`); json_repair then keeps the text. */
const PYTHON_INT_MAX_DIGITS = 4300;

class RepairReader {
  #index = 0;
  readonly #contexts: Context[] = [];
  /** How many of each context are open (so `inContext` needs no search). */
  #keys = 0;
  #values = 0;
  #arrays = 0;
  /** Cached look-ahead: the next position of a delimiter from some start, so repeated look-aheads stay linear. */
  readonly #nextCache: ({ from: number; at: number } | undefined)[] = [undefined, undefined, undefined, undefined];
  #bracketCache: { code: number; from: number; end: number; count: number } | undefined;
  readonly #recentTexts: RecentTexts;
  /** Where the latest top-level value started. */
  #topStart = 0;
  /** After `readAll`: where the text of its value starts. */
  valueStart = 0;

  constructor(
    private readonly text: string,
    private readonly numberText: boolean,
    private readonly plain: PlainJsonReader | undefined,
  ) {
    this.#recentTexts = new RecentTexts(text);
  }

  /** The text from `start` to `end`, shared with a recent equal short text (`RecentTexts`). */
  private textBetween(start: number, end: number): string {
    return this.#recentTexts.between(start, end);
  }

  private get current(): Context | undefined {
    return this.#contexts[this.#contexts.length - 1];
  }

  private inContext(context: Context): boolean {
    return (context === 'key' ? this.#keys : context === 'value' ? this.#values : this.#arrays) > 0;
  }

  /** The character code at the current position (NaN at the end). */
  private code(): number {
    return this.codeAt(this.#index);
  }

  /**
   * The character code at `position`, or -1 outside the text. Never an out-of-bounds read (nor a
   * NaN): one at the end of a reply would send the compiled reader back to the interpreter.
   */
  private codeAt(position: number): number {
    return position >= 0 && position < this.text.length ? this.text.charCodeAt(position) : -1;
  }

  private char(offset = 0): string | undefined {
    const position = this.#index + offset;
    return position < this.text.length ? this.text[position] : undefined;
  }

  private skipSpace(): void {
    while (this.#index < this.text.length && isPythonSpace(this.text.charCodeAt(this.#index))) this.#index += 1;
  }

  /** Position of the first non-space character at or after `from`. */
  private nonSpaceFrom(from: number): number {
    let position = from;
    while (position < this.text.length && isPythonSpace(this.text.charCodeAt(position))) position += 1;
    return position;
  }

  /** Position of the next unescaped `code` at or after `from`, or -1; cached per character so look-aheads never rescan. */
  private nextUnescaped(code: number, from: number): number {
    const slot = delimiterSlot(code);
    let cached = this.#nextCache[slot];
    if (cached !== undefined && cached.from <= from && (cached.at === -1 || cached.at >= from)) return cached.at;
    let position = from;
    let backslashes = 0;
    let found = -1;
    for (; position < this.text.length; position += 1) {
      const current = this.text.charCodeAt(position);
      if (current === BACKSLASH) {
        backslashes += 1;
        continue;
      }
      if (current === code && backslashes % 2 === 0) {
        found = position;
        break;
      }
      backslashes = 0;
    }
    // A hit right after a backslash run is not cached: a later look-ahead may start inside the run.
    if (found === -1 || this.codeAt(found - 1) !== BACKSLASH) {
      if (cached === undefined) {
        cached = { from, at: found };
        this.#nextCache[slot] = cached;
      } else {
        cached.from = from;
        cached.at = found;
      }
    }
    return found;
  }

  private enter(context: Context): void {
    this.#contexts.push(context);
    this.count(context, 1);
  }

  private leave(): void {
    const context = this.#contexts.pop();
    if (context !== undefined) this.count(context, -1);
  }

  private count(context: Context, step: number): void {
    if (context === 'key') this.#keys += step;
    else if (context === 'value') this.#values += step;
    else this.#arrays += step;
  }

  /**
   * json_repair's top level: the first value, then any further values (a list of them, or the
   * latest of repeated objects). `valueStart` is then where the result's text starts: the last
   * of repeated objects is read the same from there (nothing before it counts).
   */
  readAll(): unknown {
    let value = this.readTopValue();
    let firstStart = this.#topStart;
    if (this.#index < this.text.length) {
      const values = [value];
      while (this.#index < this.text.length) {
        const commaSeparated = this.topValueIsCommaSeparated();
        const next = this.readTopValue();
        if (!isTruthy(next)) {
          this.#index += 1;
          continue;
        }
        const last = values[values.length - 1];
        if ((!commaSeparated && isSameShape(last, next)) || !isTruthy(last)) values.pop();
        if (values.length === 0) firstStart = this.#topStart;
        values.push(next);
      }
      value = values.length === 1 ? values[0] : values;
    }
    this.valueStart = firstStart;
    return value;
  }

  private topValueIsCommaSeparated(): boolean {
    if (this.codeAt(this.nonSpaceFrom(this.#index)) === 0x2c) return true;
    let position = this.#index - 1;
    while (position >= 0 && isPythonSpace(this.text.charCodeAt(position))) position -= 1;
    return position >= 0 && this.text.charCodeAt(position) === 0x2c;
  }

  /** Skips prose until a `{`, `[` or comment starts a value; `NOTHING_FOUND` at the end. */
  private readTopValue(): unknown {
    for (;;) {
      // The next value usually starts within a few characters (`{…} {…}`); else a native scan to the
      // next character that can start something, so prose costs no per-character work.
      let position = this.#index;
      const nearEnd = Math.min(this.text.length, position + TOP_LEVEL_NEAR);
      while (position < nearEnd && !isTopLevelStart(this.text.charCodeAt(position))) position += 1;
      if (position === nearEnd) {
        TOP_LEVEL_START.lastIndex = position;
        if (!TOP_LEVEL_START.test(this.text)) {
          this.#index = this.text.length;
          return NOTHING_FOUND;
        }
        position = TOP_LEVEL_START.lastIndex - 1;
      }
      this.#index = position;
      this.#topStart = position;
      const code = this.text.charCodeAt(position);
      if (code === 0x7b || code === 0x5b) return this.readValue(0);
      this.skipComment();
    }
  }

  /** json_repair's `parse_json` inside a container: the next value, skipping characters that cannot start one. */
  private readValue(depth: number): unknown {
    // Dispatch on character codes: a one-character string is only made for a non-ASCII letter test.
    for (;;) {
      if (this.#index >= this.text.length) return NOTHING_FOUND;
      const code = this.text.charCodeAt(this.#index);
      if (code === 0x7b) {
        this.#index += 1;
        return this.readObject(depth + 1, true);
      }
      if (code === 0x5b) {
        this.#index += 1;
        return this.readArray(depth + 1, ']');
      }
      if (code === 0x28) return this.readParenthesized(depth + 1);
      if (isDelimiter(code) || (code < 128 ? (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a : isAlphabetic(this.text[this.#index]))) return this.readString();
      if ((code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x2e) return this.readNumber();
      if (code === 0x23 || code === 0x2f) {
        this.skipComment();
        return NOTHING_FOUND;
      }
      this.#index += 1;
    }
  }

  private checkDepth(depth: number): void {
    if (depth > MAX_NESTING_DEPTH) throw new NestingTooDeep();
  }

  /** After `{`: members until `}` (or the end), repairing missing quotes, colons, commas and values. */
  private readObject(depth: number, opened = false): Record<string, unknown> {
    this.checkDepth(depth);
    let object: Record<string, unknown> = {};
    const start = this.#index;
    const topLevel = this.#contexts.length === 0;
    let members = false;
    const plain = opened ? this.plain?.readObject(start - 1, depth) : undefined;
    if (plain !== undefined) {
      object = plain.object;
      members = true;
      this.#index = plain.end - 1;
    }
    // `code()` is NaN past the end, which equals nothing.
    while (plain === undefined && this.#index < this.text.length && this.code() !== 0x7d) {
      this.skipSpace();
      // A plain member of an object that needs repair elsewhere is read plainly too.
      const reader = this.plain;
      const plainEnd = reader === undefined ? -1 : reader.readMember(this.#index, depth);
      if (reader !== undefined && plainEnd !== -1) {
        assignOwnKey(object, reader.memberKey, reader.memberValue);
        this.#index = plainEnd;
      } else {
        if (this.code() === 0x3a) this.#index += 1;
        const key = this.readKey();
        this.skipSpace();
        if (this.#index >= this.text.length || this.code() === 0x7d) continue;
        // json_repair steps over the character after a key whether or not it is the missing `:`.
        this.#index += 1;
        assignOwnKey(object, key, this.readMemberValue(depth));
      }
      members = true;
      const after = this.code();
      if (after === 0x2c || after === APOSTROPHE || after === QUOTE) this.#index += 1;
      if (this.code() === 0x5d && this.#arrays > 0) break;
      this.skipSpace();
    }
    if (this.code() === 0x7d) this.#index += 1;
    if (!members && this.#index - start > 1 && this.isSetBody(start, this.#index)) {
      // `{'a', 'b'}` / `{1, 2}`: a set written as an object, read as a list.
      this.#index = start;
      return this.readArray(depth, ']') as unknown as Record<string, unknown>;
    }
    if (!topLevel) {
      // A stray `}` after an object inside an array is dropped.
      if (this.char() === '}' && this.current === 'array') this.#index += 1;
      return object;
    }
    // `{"a": 1}, "b": 2}`: members after the closing brace still belong to the object.
    const afterBrace = this.nonSpaceFrom(this.#index);
    if (this.codeAt(afterBrace) === 0x2c) {
      const next = this.nonSpaceFrom(afterBrace + 1);
      if (next < this.text.length && isDelimiter(this.text.charCodeAt(next))) {
        this.#index = next;
        for (const [key, value] of Object.entries(this.readObject(depth))) assignOwnKey(object, key, value);
      }
    }
    return object;
  }

  /** The braces hold scalars and commas only: no `:` outside quotes, no nested brackets or comments. */
  private isSetBody(start: number, end: number): boolean {
    let quote = 0;
    let sawValue = false;
    for (let position = start; position < end; position += 1) {
      const code = this.text.charCodeAt(position);
      if (quote !== 0) {
        if (code === BACKSLASH) position += 1;
        else if (code === quote) quote = 0;
        continue;
      }
      if (isDelimiter(code)) {
        quote = code === LEFT_QUOTE ? RIGHT_QUOTE : code;
        sawValue = true;
      } else if (code === 0x3a || code === 0x7b || code === 0x5b || code === 0x2f || code === 0x23) {
        return false;
      } else if (code !== 0x7d && code !== 0x2c && !isPythonSpace(code)) {
        sawValue = true;
      }
    }
    return sawValue;
  }

  private readKey(): string {
    this.enter('key');
    try {
      let key = '';
      while (this.#index < this.text.length) {
        key = this.code() === QUOTE ? this.readQuotedKey() : (this.readString() as string);
        if (key !== '') break;
        this.skipSpace();
        const code = this.code();
        if (code === 0x3a || code === 0x7d) break;
      }
      return key;
    } finally {
      this.leave();
    }
  }

  /** `readString` at a `"` in a key: the simple path directly when it fits (`"key":`), else the full reader. */
  private readQuotedKey(): string {
    this.#index += 1;
    const simple = this.simpleString('"');
    if (simple !== undefined) return simple;
    // simpleString changed nothing: readString starts over at the quote.
    this.#index -= 1;
    return this.readString() as string;
  }

  private readMemberValue(depth: number): unknown {
    this.enter('value');
    try {
      this.skipSpace();
      const code = this.code();
      if (code === 0x2c || code === 0x7d) return '';
      return this.readValue(depth);
    } finally {
      this.leave();
    }
  }

  /** After `[` (or `(`): items until the closing bracket, a `}`, or the end. */
  private readArray(depth: number, close: ']' | ')'): unknown[] {
    this.checkDepth(depth);
    const closeCode = close === ']' ? 0x5d : 0x29;
    const length = this.text.length;
    // Items go in chunks, joined once at the end: a long array is allocated once at its final size,
    // not re-grown (and copied) a few dozen times on the way. Not ItemBlocks: shared with the Python
    // literal reader, its methods see both readers' items and the first long array after a switch
    // pays a recompile (worst samples of the "True " row 55-80 ms instead of 25).
    let items: unknown[] = [];
    let fullChunks: unknown[][] | undefined;
    this.enter('array');
    try {
      this.skipSpace();
      while (this.#index < length) {
        const code = this.text.charCodeAt(this.#index);
        if (code === closeCode || code === 0x7d) break;
        let value: unknown;
        if (isDelimiter(code)) {
          value = this.readDelimitedItem(code, depth);
        } else {
          // `true`/`false`/`null` directly, as readString would find them (no look-around needed).
          const word = isWordStart(code) ? this.readWord() : undefined;
          value = word !== undefined ? word : this.readValue(depth);
        }
        const next = this.#index < length ? this.text.charCodeAt(this.#index) : -1;
        if (isStrictlyEmpty(value) && next !== closeCode && next !== 0x2c) {
          this.#index += 1;
        } else if (!(value === '...' && this.text.charCodeAt(this.#index - 1) === 0x2e)) {
          if (items.length === ARRAY_CHUNK) {
            (fullChunks ??= []).push(items);
            items = [];
          }
          items.push(value);
        }
        while (this.#index < length) {
          const separator = this.text.charCodeAt(this.#index);
          if (separator !== 0x2c && !isPythonSpace(separator)) break;
          this.#index += 1;
        }
      }
      this.#index += 1;
      return fullChunks === undefined ? items : ([] as unknown[]).concat(...fullChunks, items);
    } finally {
      this.leave();
    }
  }

  /**
   * An array item opening with the delimiter `code`, after one look-ahead to the quote that would
   * close it: `"key": …` is an object whose `{` is missing; a `"` followed by neither `,` nor `]`
   * (a stray quote: `"a" "b"`) goes straight to `quotedString`, as `readString` would send it once
   * its simple path failed; anything else is `readString`'s.
   */
  private readDelimitedItem(code: number, depth: number): unknown {
    const end = this.nextUnescaped(code, this.#index + 1);
    if (end === -1) return this.readString();
    const after = this.nonSpaceFrom(end + 1);
    const next = after < this.text.length ? this.text.charCodeAt(after) : -1;
    if (next === 0x3a) return this.readObject(depth + 1);
    if (code === QUOTE && end > this.#index + 1 && next !== -1 && next !== 0x2c && next !== 0x5d) {
      this.#index += 1;
      return this.quotedString('"', QUOTE);
    }
    return this.readString();
  }

  /** A quoted string at the current position is followed by `:` (so it is an object key). */
  private stringIsKey(code: number): boolean {
    const end = this.nextUnescaped(code, this.#index + 1);
    return end !== -1 && this.codeAt(this.nonSpaceFrom(end + 1)) === 0x3a;
  }

  /** `(…)`: a tuple read as a list, or the one value a grouping holds. */
  private readParenthesized(depth: number): unknown {
    this.#index += 1;
    const values = this.readArray(depth, ')');
    if (values.length !== 1) return values;
    // `(1,)` is a one-item tuple; `(1)` is the value 1.
    let before = this.#index - 2;
    while (before >= 0 && isPythonSpace(this.text.charCodeAt(before))) before -= 1;
    return this.codeAt(before) === 0x2c ? values : values[0];
  }

  private skipComment(): void {
    const char = this.char();
    if (char === '#' || (char === '/' && this.char(1) === '/')) {
      // A `#` comment also stops at the `]`, `}` or `:` of an open array, value or key.
      const hash = char === '#';
      const stopBracket = hash && this.#arrays > 0;
      const stopBrace = hash && this.#values > 0;
      const stopColon = hash && this.#keys > 0;
      let position = this.#index;
      for (; position < this.text.length; position += 1) {
        const code = this.text.charCodeAt(position);
        if (code === 0x0a || code === 0x0d || (stopBracket && code === 0x5d) || (stopBrace && code === 0x7d) || (stopColon && code === 0x3a)) break;
      }
      this.#index = position;
    } else if (char === '/' && this.char(1) === '*') {
      const end = this.text.indexOf('*/', this.#index + 2);
      this.#index = end === -1 ? this.text.length : end + 2;
    } else {
      this.#index += 1;
    }
  }

  /** `true`/`false`/`null` in any letter case at the current position, or undefined. */
  private readWord(): boolean | null | undefined {
    if (this.wordAt('true')) return true;
    if (this.wordAt('false')) return false;
    if (this.wordAt('null')) return null;
    return undefined;
  }

  /** The lower-case ASCII `word` in any letter case at the current position; steps over it when found. */
  private wordAt(word: string): boolean {
    if (this.#index + word.length > this.text.length) return false;
    for (let offset = 0; offset < word.length; offset += 1) {
      // Only `X` and `x` give `x` here: the words are letters.
      if ((this.text.charCodeAt(this.#index + offset) | 0x20) !== word.charCodeAt(offset)) return false;
    }
    this.#index += word.length;
    return true;
  }

  /** json_repair's number: digits and `-.eE/,_`; a trailing letter makes it a bare string, a `,` or `/` keeps it as text. */
  private readNumber(): unknown {
    const start = this.#index;
    const inArray = this.current === 'array';
    // The run's characters are counted as it is scanned, so sorting it (text, float or int) needs
    // no second look: `,` makes text, `.eE` a float, digits with at most a leading `-` an int.
    let commas = 0;
    let floatMarks = 0;
    let digits = 0;
    let others = 0;
    let underscores = false;
    let end = start;
    for (; end < this.text.length; end += 1) {
      const code = this.text.charCodeAt(end);
      if (code >= 0x30 && code <= 0x39) digits += 1;
      else if (code === 0x2e || code === 0x65 || code === 0x45) floatMarks += 1;
      else if (code === 0x5f) underscores = true;
      else if (code === 0x2d) others += end === start ? 0 : 1;
      else if (code === 0x2f) others += 1;
      else if (code === 0x2c && !inArray) commas += 1;
      else break;
    }
    this.#index = end;
    const next = this.code();
    if (next < 128 ? (next | 0x20) >= 0x61 && (next | 0x20) <= 0x7a : isAlphabetic(this.char())) {
      this.#index = start;
      return this.readString();
    }
    // One slice for the whole run (never a character at a time), then json_repair drops the `_`s.
    let text = this.text.slice(start, end);
    if (underscores) text = text.replaceAll('_', '');
    const last = text.length > 0 ? text.charCodeAt(text.length - 1) : -1;
    if (isNumberTail(last)) {
      text = text.slice(0, -1);
      this.#index -= 1;
      // The dropped character no longer counts (a `-` left nothing before it when it was first).
      if (last === 0x2c) commas -= 1;
      else if (last === 0x65 || last === 0x45) floatMarks -= 1;
      else if (text.length > 0) others -= 1; // `/`, or a `-` after the first character
    }
    if (commas > 0) return text;
    if (floatMarks > 0) {
      if (!NUMBER_TEXT_FLOAT.test(text)) return text;
      return this.numberText ? new PythonNumberText(pythonFloatText(Number(text))) : Number(text);
    }
    if (digits === 0 || others > 0 || digits > PYTHON_INT_MAX_DIGITS) return text;
    return this.numberText ? new PythonNumberText(pythonIntText(text)) : Number(text);
  }

  /** json_repair's `parse_string`: quoted or bare text, or a literal `true`/`false`/`null` (any case) outside keys. */
  private readString(): unknown {
    const first = this.code();
    if (first === 0x23 || first === 0x2f) {
      this.skipComment();
      return '';
    }
    for (; this.#index < this.text.length; this.#index += 1) {
      const code = this.text.charCodeAt(this.#index);
      if (isDelimiter(code) || (code < 128 ? isAsciiAlphanumeric(code) : isAlphanumeric(this.text[this.#index]))) break;
    }
    if (this.#index >= this.text.length) return '';
    const code = this.code();
    let close = '"';
    let missingQuotes = false;
    if (code === APOSTROPHE) close = "'";
    else if (code === LEFT_QUOTE) close = '\u201d';
    else if (!isDelimiter(code)) {
      if (isWordStart(code) && this.current !== 'key') {
        const word = this.readWord();
        if (word !== undefined) return word;
      }
      missingQuotes = true;
    }
    if (!missingQuotes) {
      this.#index += 1;
      const fast = this.simpleString(close);
      if (fast !== undefined) return fast;
      if (this.char() === close) {
        if (this.closesHere(this.#index + 1)) {
          this.#index += 1;
          return '';
        }
        // A doubled opening quote: `""value"` is "value"; `"""` or `"" "next"` hold nothing.
        if (this.char(1) === close) return '';
        const next = this.codeAt(this.nonSpaceFrom(this.#index + 1));
        if (next !== -1 && (isDelimiter(next) || next === 0x7b || next === 0x5b)) {
          this.#index += 1;
          return '';
        }
        if (next !== 0x2c && next !== 0x5d && next !== 0x7d) this.#index += 1;
      }
    }
    return missingQuotes ? this.bareString() : this.quotedString(close, code);
  }

  /** The next non-space character fits the context for a string that ends just before `position`. */
  private closesHere(position: number): boolean {
    const at = this.nonSpaceFrom(position);
    const next = this.codeAt(at);
    const context = this.current;
    if (context === 'key') return next === 0x3a;
    if (at >= this.text.length) return true;
    if (context === 'value') return next === 0x2c || next === 0x7d;
    if (context === 'array') return next === 0x2c || next === 0x5d;
    return false;
  }

  /** A `"…"` without escapes or line breaks whose closing quote fits the context; undefined otherwise. */
  private simpleString(close: string): string | undefined {
    if (close !== '"') return undefined;
    const end = this.nextUnescaped(QUOTE, this.#index);
    // The context test first: a stray quote (`"a" "b"` in a list) fails it without copying the text.
    if (end === -1 || !this.closesHere(end + 1)) return undefined;
    let value: string;
    if (end - this.#index <= RECENT_TEXT_MAX) {
      // A short text is checked in place (three native searches cost more than the text).
      for (let position = this.#index; position < end; position += 1) {
        const code = this.text.charCodeAt(position);
        if (code === BACKSLASH || code === 0x0a || code === 0x0d) return undefined;
      }
      value = this.textBetween(this.#index, end);
    } else {
      value = this.text.slice(this.#index, end);
      if (value.includes('\\') || value.includes('\n') || value.includes('\r')) return undefined;
    }
    this.#index = end + 1;
    return value;
  }

  /** Text without an opening quote: up to the `:` or space (keys), `,`/`]` (arrays), `}` or a `,` before the next member (values). */
  private bareString(): string {
    const context = this.current;
    const start = this.#index;
    for (;;) {
      if (this.#index >= this.text.length) break;
      const code = this.text.charCodeAt(this.#index);
      if (context === 'key' && (code === 0x3a || isPythonSpace(code))) break;
      if (context === 'array' && (code === 0x5d || code === 0x2c)) break;
      if (context === 'value' && (code === 0x7d || (code === 0x2c && this.memberFollows(this.#index + 1)))) break;
      if (isDelimiter(code)) {
        // A quote ends a bare value; when it opens the next key, it stays for that key.
        if (context === 'value' && this.stringIsKey(code)) {
          const value = rstrip(this.text.slice(start, this.#index));
          return value;
        }
        const value = this.text.slice(start, this.#index);
        this.#index += 1;
        return rstrip(value);
      }
      this.#index += 1;
    }
    // A key is shared with the same recent key: a reply repeats its few keys thousands of times.
    const value = rstrip(context === 'key' ? this.textBetween(start, this.#index) : this.text.slice(start, this.#index));
    if (context === 'key' && this.#index < this.text.length && isPythonSpace(this.text.charCodeAt(this.#index))) {
      this.skipSpace();
      if (this.char() !== ':' && this.char() !== ',') return '';
    }
    return value;
  }

  /** After a `,` in a value: the next member starts (a quoted key then `:`, or a bare word then `:`). */
  private memberFollows(position: number): boolean {
    const start = this.nonSpaceFrom(position);
    if (start >= this.text.length || this.text[start] === '}') return true;
    const code = this.text.charCodeAt(start);
    if (isDelimiter(code)) {
      const end = this.nextUnescaped(code === LEFT_QUOTE ? RIGHT_QUOTE : code, start + 1);
      return end !== -1 && this.codeAt(this.nonSpaceFrom(end + 1)) === 0x3a;
    }
    let end = start;
    for (; end < this.text.length; end += 1) {
      const code = this.text.charCodeAt(end);
      if (!(code < 128 ? isAsciiWordCode(code) : isAlphanumeric(this.text[end]))) break;
    }
    return end > start && this.codeAt(this.nonSpaceFrom(end)) === 0x3a;
  }

  /** The body of a quoted string (after its opening quote), repairing stray quotes, escapes and a missing closing quote. */
  private quotedString(close: string, openCode: number): string {
    const closeCode = close.charCodeAt(0);
    const context = this.current;
    const inArray = this.inContext('array');
    // The text is gathered as runs copied with one slice each (never one character at a time).
    let value = '';
    let runStart = this.#index;
    let openBraces = 0;
    let literalQuote = false;
    for (;;) {
      const position = this.#index;
      if (position >= this.text.length) return rstrip(value + this.text.slice(runStart, position));
      const code = this.text.charCodeAt(position);
      if (code === BACKSLASH) {
        const escaped = this.readEscape(close);
        // A backslash kept as written stays part of the run.
        if (escaped !== undefined) {
          value = value + this.text.slice(runStart, position) + escaped;
          runStart = this.#index;
        }
        continue;
      }
      if (code === closeCode) {
        if (literalQuote) {
          literalQuote = false;
        } else {
          const decision = this.closingDecision(closeCode);
          if (decision === 'close') {
            const text = value === '' ? this.textBetween(runStart, position) : value + this.text.slice(runStart, position);
            this.#index += 1;
            return text !== '' && text.charCodeAt(text.length - 1) === 0x0a ? rstrip(text) : text;
          }
          if (decision === 'pair') literalQuote = true;
        }
      } else if (code === 0x7b) {
        openBraces += 1;
      } else if (code === 0x7d && context === 'value') {
        if (openBraces > 0) openBraces -= 1;
        else if (this.braceEndsValue(closeCode, openCode)) return rstrip(value + this.text.slice(runStart, position));
      } else if (code === 0x5d && inArray && this.nextUnescaped(closeCode, position) === -1) {
        return rstrip(value + this.text.slice(runStart, position));
      }
      this.#index += 1;
    }
  }

  /**
   * At a closing-quote candidate: `close` when what follows fits the context; `pair` when a quoted
   * section follows inside the text (this quote and the next are both kept); `keep` otherwise.
   */
  private closingDecision(closeCode: number): 'close' | 'pair' | 'keep' {
    const context = this.current;
    let position = this.#index + 1;
    let sawLetter = false;
    let onlySpace = true;
    for (; position < this.text.length; position += 1) {
      const code = this.text.charCodeAt(position);
      if (code === closeCode) break;
      if (code < 128 ? (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a : isAlphabetic(this.text[position])) sawLetter = true;
      if (!isPythonSpace(code)) onlySpace = false;
      if (context === 'key' && (code === 0x3a || code === 0x7d)) return 'close';
      if (context === 'value' && code === 0x7d) return 'close';
      if (context === 'array' && (code === 0x5d || code === 0x2c)) return 'close';
      if (context === 'value' && code === 0x2c && !sawLetter) {
        // `"a", "b": …` closes; `"a", b"}` keeps the quote (the comma is inside the text).
        const next = this.nextUnescaped(closeCode, position + 1);
        if (next === -1) return 'close';
        const after = this.codeAt(this.nonSpaceFrom(next + 1));
        return after === 0x7d || after === 0x2c ? 'keep' : 'close';
      }
    }
    if (position >= this.text.length || onlySpace) return 'close';
    // Another quote at `position` before anything that would end the text.
    if (context === 'value') {
      // `"v"alue", "key2": …`: that quote ends the value, so this one is text.
      const afterQuote = this.nonSpaceFrom(position + 1);
      if (this.codeAt(afterQuote) === 0x2c && this.memberFollows(afterQuote + 1)) return 'keep';
      // `"a" x "b": …`: this quote closes when the quoted text after it is a key.
      const next = this.nextUnescaped(closeCode, position + 1);
      if (next === -1) return 'pair';
      for (let after = next + 1; after < this.text.length; after += 1) {
        const code = this.text.charCodeAt(after);
        if (code === 0x3a) return 'close';
        if (code === 0x2c || code === 0x5d || code === 0x7d || code === closeCode) break;
      }
      return 'pair';
    }
    if (context === 'array') return this.quotesBeforeBracket(closeCode, position) % 2 === 1 ? 'close' : 'pair';
    return 'pair';
  }

  /** How many unescaped `code` quotes lie from `from` (included) to the next `]`; consecutive queries share one scan. */
  private quotesBeforeBracket(code: number, from: number): number {
    const cache = this.#bracketCache;
    if (cache !== undefined && cache.code === code && cache.from <= from && from < cache.end) {
      for (let position = cache.from; position < from; position += 1) if (this.isQuoteAt(code, position)) cache.count -= 1;
      cache.from = from;
      return cache.count;
    }
    let count = 0;
    let position = from;
    for (; position < this.text.length && this.text.charCodeAt(position) !== 0x5d; position += 1) if (this.isQuoteAt(code, position)) count += 1;
    this.#bracketCache = { code, from, end: position, count };
    return count;
  }

  private isQuoteAt(code: number, position: number): boolean {
    return this.text.charCodeAt(position) === code && this.codeAt(position - 1) !== BACKSLASH;
  }

  /** A `}` inside a value's quoted text ends the value when no closing quote follows that could end it instead. */
  private braceEndsValue(closeCode: number, openCode: number): boolean {
    const next = this.nextUnescaped(closeCode, this.#index + 1);
    if (next === -1) return true;
    const afterAt = this.nonSpaceFrom(next + 1);
    const after = this.codeAt(afterAt);
    if (after === -1 || after === 0x2c || after === 0x7d) return false;
    // The brace ends the value only when the quote after it opens the next key (`…} "key": …`).
    const keyStart = this.nextUnescaped(openCode, afterAt);
    if (keyStart === -1) return false;
    return this.codeAt(this.nonSpaceFrom(keyStart + 1)) === 0x3a;
  }

  /** A backslash sequence in a quoted string, as json_repair reads it; undefined when the backslash is kept as written (unknown escapes). */
  private readEscape(close: string): string | undefined {
    const next = this.char(1);
    if (next === undefined) {
      this.#index += 1;
      return undefined;
    }
    if (Object.hasOwn(SIMPLE_ESCAPES, next)) {
      this.#index += 2;
      return SIMPLE_ESCAPES[next];
    }
    if (next === close || (isDelimiter(next.charCodeAt(0)) && next !== close)) {
      this.#index += 2;
      return next;
    }
    if (next === 'u' || next === 'x') {
      const width = next === 'u' ? 4 : 2;
      const start = this.#index + 2;
      let end = start;
      while (end < start + width && isHexCode(this.codeAt(end))) end += 1;
      if (end === start + width) {
        this.#index = end;
        return String.fromCharCode(parseInt(this.text.slice(start, end), 16));
      }
    }
    this.#index += 1;
    return undefined;
  }
}

/**
 * `json_repair.loads`: strict JSON when valid, else the forgiving reading described above.
 * @returns the value (`NOTHING_FOUND`, an empty string, when nothing JSON-like was found), or `tooDeep`.
 */
export function repairJson(text: string, options: RepairJsonOptions = {}): RepairJsonResult {
  return repairJsonFrom(text, options).result;
}

/**
 * `repairJson`, and where the text of its value starts: `text.slice(start)` reads to the same
 * value (in any mode). A reply repeating an object 70,000 times is read as its last one, so a
 * second reading (`numberText`) needs only that object's text, not the whole reply.
 */
export function repairJsonFrom(text: string, options: RepairJsonOptions = {}): { readonly result: RepairJsonResult; readonly start: number } {
  const numberText = options.numberText === true;
  if (!numberText && mayBeStrictJson(text)) {
    try {
      return { result: { ok: true, value: JSON.parse(text) }, start: 0 };
    } catch {
      // Not strict JSON: repair it.
    }
  }
  const reader = new RepairReader(text, numberText, options.plainObjects === false ? undefined : new PlainJsonReader(text, numberText));
  try {
    return { result: { ok: true, value: reader.readAll() }, start: reader.valueStart };
  } catch (error) {
    if (error instanceof NestingTooDeep) return { result: TOO_DEEP, start: 0 };
    throw error;
  }
}
