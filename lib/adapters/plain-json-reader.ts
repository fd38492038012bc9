import { MAX_NESTING_DEPTH } from '../util/nesting-depth';
import { PythonNumberText, pythonFloatText, pythonIntText } from '../util/python-number-text';

/**
 * The common case of a JSON reply, `{"answer": 4, "steps": ["a", "b"]}`, read in one tight pass.
 * The lenient reader (`repairJson`) spends 300 ns to 1 µs per small object on repairs (contexts,
 * look-aheads, quote heuristics) that well-formed JSON never needs: a 1 MB reply of small objects
 * took 30-70 ms. Plain JSON reads the same either way (the spec compares both readings on
 * generated replies), so the lenient reader hands each object to this reader first and repairs
 * only what it declines.
 *
 * Plain JSON here: strict JSON whose strings have no escapes (nor curly quotes, which the lenient
 * reader treats as quotes), whose numbers are short with no `+` exponent, with no empty object,
 * array or list item `""` (the lenient reader drops some of those) and no repeated key.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const LEFT_QUOTE = 0x201c;
const RIGHT_QUOTE = 0x201d;
/** Longer number texts are left to the lenient reader (Python keeps over 4,300 digits as text). */
const MAX_NUMBER_LENGTH = 32;
/** Keys up to this length are shared when repeated, one remembered per slot (`key`). */
const RECENT_KEY_MAX = 64;
const RECENT_KEY_SLOTS = 16;

/** What `read` returns when the text is not plain JSON: a value no reading produces. */
const DECLINED: unique symbol = Symbol('declined');

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** A plain object read at a `{`: the object and the position after its `}`. */
export interface PlainObject {
  readonly object: Record<string, unknown>;
  readonly end: number;
}

/**
 * Reads plain objects out of one text. Declined attempts cost at most two passes over the text
 * in all (a budget), so a long object that turns out not to be plain, read again at each of its
 * nested objects, never makes the lenient reading quadratic.
 */
export class PlainJsonReader {
  #at = 0;
  /** Positions at or past this end the attempt (it declines there). */
  #limit = 0;
  #budget: number;
  /** Where the last declined attempt stopped: an attempt that starts before it would stop there too. */
  #declinedAt = -1;
  readonly #recentKeys: (string | undefined)[] = [];

  constructor(
    private readonly text: string,
    /** Numbers as `PythonNumberText`, as `repairJson`'s `numberText` reads them. */
    private readonly numberText = false,
  ) {
    this.#budget = 2 * text.length;
  }

  /** The object whose `{` is at `start`, nested `depth` deep (1 at the top), or undefined when it is not plain JSON. */
  readObject(start: number, depth: number): PlainObject | undefined {
    if (this.#budget <= 0) return undefined;
    this.#limit = start < this.#declinedAt ? this.#declinedAt : this.text.length;
    this.#at = start + 1;
    const object = this.object(depth);
    this.#budget -= this.#at - start;
    if (object === DECLINED) {
      this.#declinedAt = this.#at;
      return undefined;
    }
    return { object, end: this.#at };
  }

  private code(): number {
    return this.#at < this.#limit ? this.text.charCodeAt(this.#at) : -1;
  }

  private skipSpace(): number {
    while (this.#at < this.#limit && isJsonSpace(this.text.charCodeAt(this.#at))) this.#at += 1;
    return this.code();
  }

  /** After `{`: members until `}`. */
  private object(depth: number): Record<string, unknown> | typeof DECLINED {
    if (depth > MAX_NESTING_DEPTH) return DECLINED;
    const object: Record<string, unknown> = {};
    for (;;) {
      if (this.skipSpace() !== QUOTE) return DECLINED;
      const key = this.key();
      if (key === DECLINED || Object.hasOwn(object, key)) return DECLINED;
      if (this.skipSpace() !== COLON) return DECLINED;
      this.#at += 1;
      this.skipSpace();
      const value = this.value(depth);
      if (value === DECLINED) return DECLINED;
      // defineProperty keeps a "__proto__" key an own property, as JSON.parse does.
      if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
      const after = this.skipSpace();
      this.#at += 1;
      if (after === CLOSE_BRACE) return object;
      if (after !== COMMA) return DECLINED;
    }
  }

  /** After `[`: items until `]`. */
  private array(depth: number): unknown[] | typeof DECLINED {
    if (depth > MAX_NESTING_DEPTH) return DECLINED;
    const items: unknown[] = [];
    for (;;) {
      this.skipSpace();
      const item = this.value(depth);
      if (item === DECLINED || item === '') return DECLINED;
      items.push(item);
      const after = this.skipSpace();
      this.#at += 1;
      if (after === CLOSE_BRACKET) return items;
      if (after !== COMMA) return DECLINED;
    }
  }

  /** The value at the current position, inside a container `depth` deep. */
  private value(depth: number): unknown {
    const code = this.code();
    if (code === QUOTE) return this.string();
    if (code === OPEN_BRACE) {
      this.#at += 1;
      return this.object(depth + 1);
    }
    if (code === OPEN_BRACKET) {
      this.#at += 1;
      return this.array(depth + 1);
    }
    if (code === 0x74) return this.word('true', true);
    if (code === 0x66) return this.word('false', false);
    if (code === 0x6e) return this.word('null', null);
    return this.number();
  }

  /** At a `"`: the text up to the next `"`. */
  private string(): string | typeof DECLINED {
    const start = this.#at + 1;
    const end = this.stringEnd(start);
    return end === -1 ? DECLINED : this.text.slice(start, end);
  }

  /** The position of the closing `"` of a string with no escape, control character or curly quote, or -1; moves past it. */
  private stringEnd(start: number): number {
    for (let position = start; position < this.#limit; position += 1) {
      const code = this.text.charCodeAt(position);
      if (code === QUOTE) {
        this.#at = position + 1;
        return position;
      }
      if (code === BACKSLASH || code < 0x20 || code === LEFT_QUOTE || code === RIGHT_QUOTE) {
        this.#at = position;
        return -1;
      }
    }
    this.#at = this.#limit;
    return -1;
  }

  /**
   * A key: a string, the very string of a recent key with the same text. A fresh string used as a
   * property name is hashed and looked up each time; a reply repeats its few keys thousands of times.
   */
  private key(): string | typeof DECLINED {
    const start = this.#at + 1;
    const end = this.stringEnd(start);
    if (end === -1) return DECLINED;
    const length = end - start;
    if (length > RECENT_KEY_MAX) return this.text.slice(start, end);
    const slot = length % RECENT_KEY_SLOTS;
    const recent = this.#recentKeys[slot];
    if (recent !== undefined && recent.length === length) {
      let same = 0;
      while (same < length && recent.charCodeAt(same) === this.text.charCodeAt(start + same)) same += 1;
      if (same === length) return recent;
    }
    const key = this.text.slice(start, end);
    this.#recentKeys[slot] = key;
    return key;
  }

  private word<T>(word: string, value: T): T | typeof DECLINED {
    if (!this.text.startsWith(word, this.#at) || this.#at + word.length > this.#limit) return DECLINED;
    this.#at += word.length;
    return value;
  }

  /** `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE]-?[0-9]+)?`, at most MAX_NUMBER_LENGTH characters. */
  private number(): number | PythonNumberText | typeof DECLINED {
    const start = this.#at;
    if (this.code() === 0x2d) this.#at += 1;
    const integerStart = this.#at;
    if (!this.digits() || (this.#at - integerStart > 1 && this.text.charCodeAt(integerStart) === 0x30)) return DECLINED;
    let float = false;
    if (this.code() === 0x2e) {
      this.#at += 1;
      if (!this.digits()) return DECLINED;
      float = true;
    }
    if ((this.code() | 0x20) === 0x65) {
      this.#at += 1;
      if (this.code() === 0x2d) this.#at += 1;
      if (!this.digits()) return DECLINED;
      float = true;
    }
    if (this.#at - start > MAX_NUMBER_LENGTH) return DECLINED;
    const text = this.text.slice(start, this.#at);
    if (!this.numberText) return Number(text);
    return new PythonNumberText(float ? pythonFloatText(Number(text)) : pythonIntText(text));
  }

  /** Steps over a run of digits; false when there was none. */
  private digits(): boolean {
    const start = this.#at;
    while (this.#at < this.#limit && isDigit(this.text.charCodeAt(this.#at))) this.#at += 1;
    return this.#at > start;
  }
}
