import { MAX_NESTING_DEPTH } from '../util/nesting-depth';
import { isPythonSpace } from '../util/python-text';
import { RecentTexts } from './recent-texts';
import { isAsciiWordCode } from '../util/ascii-word';
import { assignOwnKey } from '../util/own-property';
import { isJsonSpace } from './strict-json-check';
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
 * array or list item `""` (the lenient reader drops some of those) and no repeated key; and two
 * things LMs write that read just as plainly: strings in single quotes (`{'answer': 'Paris'}`,
 * with no `"` inside) and bare keys (`{answer: 4}`).
 */

const QUOTE = 0x22;
const APOSTROPHE = 0x27;
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

/** What the reading methods return when the text is not plain JSON: a value no reading produces. */
const DECLINED: unique symbol = Symbol('declined');

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isNumberStart(code: number): boolean {
  return isDigit(code) || code === 0x2d;
}

function isSpaceOrQuote(code: number): boolean {
  return isJsonSpace(code) || code === QUOTE || code === APOSTROPHE;
}

/** `{`, `}`, `[`, `]`, `:` or `,`. */
function isStructural(code: number): boolean {
  return code === OPEN_BRACE || code === CLOSE_BRACE || code === OPEN_BRACKET || code === CLOSE_BRACKET || code === COLON || code === COMMA;
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
  readonly #recentKeys: RecentTexts;
  #memberKey = '';
  #memberValue: unknown;

  constructor(
    private readonly text: string,
    /** Numbers as `PythonNumberText`, as `repairJson`'s `numberText` reads them. */
    private readonly numberText = false,
  ) {
    this.#budget = 2 * text.length;
    this.#recentKeys = new RecentTexts(text);
  }

  /** The object whose `{` is at `start`, nested `depth` deep (1 at the top), or undefined when it is not plain JSON. */
  readObject(start: number, depth: number): PlainObject | undefined {
    if (!this.begin(start)) return undefined;
    this.#at = start + 1;
    const object = this.object(depth);
    this.finish(start, object !== DECLINED);
    return object === DECLINED ? undefined : { object, end: this.#at };
  }

  /**
   * The member `key: value` at `start`, inside an object the lenient reader is repairing (another
   * member of it is not plain): the position after the value, with the member in `memberKey` and
   * `memberValue`; -1 when the member is not plain or not followed by `,` or `}`.
   */
  readMember(start: number, depth: number): number {
    if (!this.begin(start)) return -1;
    this.#at = this.keyStart(start);
    const valueStart = this.#at === -1 ? -1 : this.member(depth);
    const end = this.#at;
    let follows = false;
    if (valueStart !== -1) {
      const after = this.skipSpace();
      this.#at += 1;
      follows = after === CLOSE_BRACE || (after === COMMA && this.singleQuoteCloses(valueStart));
    }
    this.finish(start, follows);
    return follows ? end : -1;
  }

  /** Starts an attempt at `start`: false when declined attempts have spent the budget. */
  private begin(start: number): boolean {
    if (this.#budget <= 0) return false;
    this.#limit = start < this.#declinedAt ? this.#declinedAt : this.text.length;
    return true;
  }

  /** Ends the attempt begun at `start`: its scan is charged to the budget, and a declined one notes where it stopped. */
  private finish(start: number, read: boolean): void {
    this.#budget -= this.#at - start;
    if (!read) this.#declinedAt = this.#at;
  }

  /**
   * Where the lenient reader starts reading a key at `start`: past one `:` and a run of `{`, `*`
   * or `-` (stray braces, list bullets), which it skips too; -1 before a comment.
   */
  private keyStart(start: number): number {
    let position = start;
    if (this.code(position) === COLON) position += 1;
    const first = this.code(position);
    if (first === 0x23 || first === 0x2f) return -1;
    for (let code = first; code === OPEN_BRACE || code === 0x2a || code === 0x2d; code = this.code(position)) position += 1;
    return position;
  }

  get memberKey(): string {
    return this.#memberKey;
  }

  get memberValue(): unknown {
    return this.#memberValue;
  }

  private code(position = this.#at): number {
    return position < this.#limit ? this.text.charCodeAt(position) : -1;
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
      const valueStart = this.member(depth);
      const key = this.#memberKey;
      if (valueStart === -1 || Object.hasOwn(object, key)) return DECLINED;
      assignOwnKey(object, key, this.#memberValue);
      const after = this.skipSpace();
      this.#at += 1;
      if (after === CLOSE_BRACE) return object;
      if (after !== COMMA || !this.singleQuoteCloses(valueStart)) return DECLINED;
    }
  }

  /**
   * `key: value` from the current position (spaces first): the key and value go to `#memberKey`
   * and `#memberValue`, the position after the value; returns where the value starts, or -1.
   */
  private member(depth: number): number {
    this.skipSpace();
    const key = this.key();
    if (key === DECLINED || this.skipSpace() !== COLON) return -1;
    this.#at += 1;
    this.skipSpace();
    const valueStart = this.#at;
    const value = this.value(depth);
    if (value === DECLINED) return -1;
    // The lenient reader reads `1,a: 2` in an object as one bare text (a number run takes
    // commas there); only a space or a quote after the comma keeps the number a number.
    if (this.text.charCodeAt(this.#at) === COMMA && isNumberStart(this.text.charCodeAt(valueStart)) && !isSpaceOrQuote(this.code(this.#at + 1))) return -1;
    this.#memberKey = key;
    this.#memberValue = value;
    return valueStart;
  }

  /**
   * After the comma that follows a value: whether the lenient reader closes a `'x'` value there.
   * It decides by the next `'` in the text, however far: a `'` opening the next key (one that
   * starts with neither a space, `}` nor `,`) is the one case known to close. Moves past the
   * spaces after the comma.
   */
  private singleQuoteCloses(valueStart: number): boolean {
    if (this.text.charCodeAt(valueStart) !== APOSTROPHE) return true;
    if (this.skipSpace() !== APOSTROPHE) return false;
    // `'x', '}…'` keeps the quote: the lenient reader looks past spaces for a `}` or `,` there.
    const next = this.code(this.#at + 1);
    return next !== CLOSE_BRACE && next !== COMMA && !isPythonSpace(next);
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
    if (code === QUOTE || code === APOSTROPHE) return this.string();
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

  /** At a `"` or `'`: the text up to the same quote. */
  private string(): string | typeof DECLINED {
    const start = this.#at + 1;
    const end = this.stringEnd(start, this.text.charCodeAt(this.#at));
    return end === -1 ? DECLINED : this.text.slice(start, end);
  }

  /**
   * The position of the quote `close` that ends a string with no escape, control character or
   * curly quote in it, or -1; moves past it. A `'…'` string holds no `"` or JSON punctuation
   * either: where a single quote closes, the lenient reader decides by what follows it.
   */
  private stringEnd(start: number, close: number): number {
    for (let position = start; position < this.#limit; position += 1) {
      const code = this.text.charCodeAt(position);
      if (code === close) {
        this.#at = position + 1;
        return position;
      }
      // (A `"` here is inside a `'…'` string: the other quote is left to the lenient reader there.)
      if (code === QUOTE || code === BACKSLASH || code < 0x20 || code === LEFT_QUOTE || code === RIGHT_QUOTE || (close === APOSTROPHE && isStructural(code))) {
        this.#at = position;
        return -1;
      }
    }
    this.#at = this.#limit;
    return -1;
  }

  /** A bare key, `answer: 1`: ASCII letters, digits and `_`, starting with a letter; -1 when none. */
  private bareKeyEnd(start: number): number {
    let position = start;
    while (position < this.#limit && isAsciiWordCode(this.text.charCodeAt(position))) position += 1;
    // The lenient reader skips a leading `_` or digit-less junk before a bare key: those are its to read.
    const first = this.text.charCodeAt(start) | 0x20;
    if (position === start || first < 0x61 || first > 0x7a) return -1;
    this.#at = position;
    return position;
  }

  /**
   * A key, quoted with `"` or `'` or bare: the very string of a recent key with the same text. A
   * fresh string used as a property name is hashed and looked up each time; a reply repeats its
   * few keys thousands of times.
   */
  private key(): string | typeof DECLINED {
    const open = this.code();
    const quoted = open === QUOTE || open === APOSTROPHE;
    const start = quoted ? this.#at + 1 : this.#at;
    const end = quoted ? this.stringEnd(start, open) : this.bareKeyEnd(start);
    if (end === -1) return DECLINED;
    return this.#recentKeys.between(start, end);
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
