import { MAX_NESTING_DEPTH } from '../util/nesting-depth';
import { isAsciiWordCode } from '../util/ascii-word';
import { ItemBlocks } from './item-blocks';

/**
 * Python's `ast.literal_eval` for the literals an LM writes, which DSPy tries when `json_repair`
 * finds nothing: `True`/`False`/`None`, strings in either quote (triple quotes, adjacent strings
 * joined, `r''` raw), ints (`1_000`, `0x1F`, `0o17`, `0b101`, signs), floats (`1.`, `.5`, `1e-3`),
 * tuples with or without parentheses (`1, 2`), lists, dicts and sets. Tuples and sets come back as
 * arrays and `Set`s. Never evaluates anything else: names, calls and operators are refused.
 */

/** The literal's value, or `ok: false` (`tooDeep` when it nests more than `MAX_NESTING_DEPTH` levels). */
export type PythonLiteralResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly tooDeep?: boolean };

const NOT_LITERAL: PythonLiteralResult = Object.freeze({ ok: false });
const TOO_DEEP: PythonLiteralResult = Object.freeze({ ok: false, tooDeep: true });
/** Python refuses to convert longer decimal digit strings to `int`; literal_eval then fails. */
const PYTHON_INT_MAX_DIGITS = 4300;
const NAMES: Readonly<Record<string, unknown>> = { True: true, False: false, None: null };
const ESCAPES: Readonly<Record<string, string>> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

// Character codes the reader dispatches on.
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const DOT = 0x2e;
/** Decimal digits whose value is exact in a double whatever they are (10^15 < 2^53). */
const EXACT_DIGITS = 15;

class NotLiteral extends Error {}
class TooDeep extends Error {}

function isDigitCode(code: number, radix: number): boolean {
  if (radix === 16) return (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x66);
  return code >= 0x30 && code < 0x30 + radix;
}

/** What `codeAt` returns past the end: a small integer like every code (`NaN` is not one). */
const END = -1;

/**
 * The character code at `index`, `END` past the end. Never reading out of bounds, nor returning
 * `NaN`, keeps the optimized reader valid: code that meets either is thrown away and rebuilt.
 */
function codeAt(text: string, index: number): number {
  return index < text.length ? text.charCodeAt(index) : END;
}

/** A digit or `.`: where a number starts. */
function isNumberStart(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || code === DOT;
}

/** Digits a number reads one by one before the rest of the run is matched by a pattern (whose call costs more for short numbers). */
const LONG_DIGIT_RUN = 64;
/** Where a run of digits continues (`_` single, between digits), by radix; sticky, matching from a digit's end. */
const DIGIT_RUN_REST: Readonly<Record<number, RegExp>> = {
  2: /[01]*(?:_[01]+)*/y,
  8: /[0-7]*(?:_[0-7]+)*/y,
  10: /[0-9]*(?:_[0-9]+)*/y,
  16: /[0-9a-fA-F]*(?:_[0-9a-fA-F]+)*/y,
};

/** `digitsEnd` from `position`, just past a digit: the end of the run. */
function longDigitsEnd(text: string, position: number, radix: number): number {
  const rest = DIGIT_RUN_REST[radix];
  rest.lastIndex = position;
  rest.test(text);
  return rest.lastIndex;
}

/**
 * True when the digits of a power-of-two `radix` between `start` and `end` (`_` single, between
 * digits) are a number of at least 2^1024, which `parseInt` gives as `Infinity`: the first digit
 * is not 0 and there are enough digits (at least half the characters, rounded up), so a 1 MB hex
 * number is not converted digit by digit.
 */
function exceedsDouble(text: string, start: number, end: number, radix: number): boolean {
  const bitsPerDigit = radix === 16 ? 4 : radix === 8 ? 3 : 1;
  const leastDigits = Math.ceil((end - start) / 2);
  return codeAt(text, start) !== 0x30 && (leastDigits - 1) * bitsPerDigit >= 1024;
}

class LiteralReader {
  #index = 0;

  constructor(private readonly text: string) {}

  readAll(): unknown {
    const value = this.readExpression(0, true);
    this.skipSpace();
    if (this.#index !== this.text.length) throw new NotLiteral();
    return value;
  }

  /** Spaces, tabs, form feeds, and line breaks (inside brackets, or around the whole literal), and `\`-continued lines. */
  private skipSpace(): void {
    this.peek();
  }

  /**
   * Skips spaces (as `skipSpace`) and returns the next character's code, `END` at the end. Codes,
   * not one-character strings, and the position in a local: this runs several times per item.
   */
  private peek(): number {
    const text = this.text;
    let index = this.#index;
    for (;;) {
      const code = codeAt(text, index);
      if (code === 0x20 || code === 0x09 || code === 0x0c || code === 0x0a || code === 0x0d) {
        index += 1;
      } else if (code === 0x5c && (codeAt(text, index + 1) === 0x0a || codeAt(text, index + 1) === 0x0d)) {
        index += 2;
      } else {
        this.#index = index;
        return code;
      }
    }
  }

  /** One value, or (where `allowTuple`) `a, b, …` as a tuple. */
  private readExpression(depth: number, allowTuple: boolean): unknown {
    const first = this.readValue(depth);
    if (!allowTuple || this.peek() !== COMMA) return first;
    if (depth >= MAX_NESTING_DEPTH) throw new TooDeep();
    const items = new ItemBlocks();
    items.push(first);
    this.readMoreItems(items, depth + 1);
    return items.toArray();
  }

  /**
   * `, item` after `, item`, until a closing bracket, the end, or anything but a comma (which the
   * caller checks). A method of its own: a 1 MB reply runs this loop in code compiled mid-loop
   * (OSR), which is thrown away at the first line after the loop it has not seen run.
   */
  private readMoreItems(items: ItemBlocks, depth: number): void {
    while (this.peek() === COMMA) {
      this.#index += 1;
      const next = this.peek();
      if (next === END || next === CLOSE_PAREN || next === CLOSE_BRACKET || next === CLOSE_BRACE) return;
      const short = next >= 0x31 && next <= 0x39 ? this.readShortInteger() : -1;
      items.push(short >= 0 ? short : this.readValueAt(next, depth));
    }
  }

  /**
   * The usual item of a long tuple or list, `1` to `999999999999999`, read in one tight loop: up to
   * 15 digits, the first not `0`, followed by no digit, letter, `_`, `.` or non-ASCII character.
   * Those are exactly the texts the general path (`readNumber`) reads as that integer; anything
   * else returns -1 with nothing consumed, and the general path reads (or refuses) it as before.
   */
  private readShortInteger(): number {
    const text = this.text;
    const start = this.#index;
    let index = start;
    let value = 0;
    let code = codeAt(text, index);
    if (code < 0x31 || code > 0x39) return -1;
    do {
      value = value * 10 + (code - 0x30);
      index += 1;
      code = codeAt(text, index);
    } while (code >= 0x30 && code <= 0x39 && index - start < EXACT_DIGITS);
    if (isAsciiWordCode(code) || code === DOT || code > 0x7f) return -1;
    this.#index = index;
    return value;
  }

  private readValue(depth: number): unknown {
    return this.readValueAt(this.peek(), depth);
  }

  /** `readValue` once spaces are skipped, `code` being the next character's. */
  private readValueAt(code: number, depth: number): unknown {
    if (code === END) throw new NotLiteral();
    if (code === OPEN_PAREN || code === OPEN_BRACKET || code === OPEN_BRACE) {
      if (depth >= MAX_NESTING_DEPTH) throw new TooDeep();
      this.#index += 1;
      if (code === OPEN_PAREN) return this.readParenthesized(depth + 1);
      if (code === OPEN_BRACKET) return this.readItems(depth + 1, CLOSE_BRACKET);
      return this.readBraces(depth + 1);
    }
    if (isNumberStart(code)) return this.readNumber();
    if (code === PLUS || code === MINUS) return this.readSigned();
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) return this.readStrings(false);
    if (this.isRawStringStart(code)) {
      this.#index += 1;
      return this.readStrings(true);
    }
    const name = /[A-Za-z_]\w*/y;
    name.lastIndex = this.#index;
    const word = name.exec(this.text)?.[0];
    if (word === undefined || !Object.hasOwn(NAMES, word)) throw new NotLiteral();
    this.#index += word.length;
    return NAMES[word];
  }

  /** `r'…'`/`R"…"` starts here (`code` is the current character's). */
  private isRawStringStart(code: number): boolean {
    const next = codeAt(this.text, this.#index + 1);
    return (code === 0x72 || code === 0x52) && (next === DOUBLE_QUOTE || next === SINGLE_QUOTE);
  }

  /** `+x`/`-x` (repeatable) on a number only, as literal_eval allows. */
  private readSigned(): number {
    let negative = false;
    let code = this.peek();
    while (code === PLUS || code === MINUS) {
      if (code === MINUS) negative = !negative;
      this.#index += 1;
      code = this.peek();
    }
    if (!isNumberStart(code)) throw new NotLiteral();
    const value = this.readNumber();
    return negative ? -value : value;
  }

  /** Digits of `radix` with single `_` between them, from `start`; the end position (`start` when none). */
  private digitsEnd(start: number, radix: number): number {
    let position = start;
    if (!isDigitCode(codeAt(this.text, position), radix)) return start;
    position += 1;
    for (;;) {
      // A long run (a hostile 1 MB number) goes on in the compiled pattern, several times faster than this loop.
      if (position - start === LONG_DIGIT_RUN) return longDigitsEnd(this.text, position, radix);
      const code = codeAt(this.text, position);
      if (isDigitCode(code, radix)) position += 1;
      else if (code === 0x5f && isDigitCode(codeAt(this.text, position + 1), radix)) position += 2;
      else return position;
    }
  }

  private readNumber(): number {
    const start = this.#index;
    const text = this.text;
    // `0x`, `0o`, `0b` in either case (`| 0x20` lower-cases an ASCII letter).
    const prefix = codeAt(text, start) === 0x30 ? codeAt(text, start + 1) | 0x20 : 0;
    if (prefix === 0x78 || prefix === 0x6f || prefix === 0x62) {
      const radix = prefix === 0x78 ? 16 : prefix === 0x6f ? 8 : 2;
      const digitsStart = text[start + 2] === '_' ? start + 3 : start + 2;
      const end = this.digitsEnd(digitsStart, radix);
      if (end === digitsStart) throw new NotLiteral();
      this.#index = end;
      this.refuseAfterNumber();
      if (exceedsDouble(text, digitsStart, end, radix)) return Infinity;
      return parseInt(text.slice(digitsStart, end).replaceAll('_', ''), radix);
    }
    const plain = this.readPlainInteger(start);
    if (plain !== undefined) return plain;
    let end = this.digitsEnd(start, 10);
    let isFloat = false;
    if (text[end] === '.') {
      const fractionEnd = this.digitsEnd(end + 1, 10);
      if (end === start && fractionEnd === end + 1) throw new NotLiteral();
      end = fractionEnd;
      isFloat = true;
    } else if (end === start) {
      throw new NotLiteral();
    }
    if (text[end] === 'e' || text[end] === 'E') {
      const signed = text[end + 1] === '+' || text[end + 1] === '-' ? end + 2 : end + 1;
      const exponentEnd = this.digitsEnd(signed, 10);
      if (exponentEnd === signed) throw new NotLiteral();
      end = exponentEnd;
      isFloat = true;
    }
    const written = text.slice(start, end);
    const literal = written.includes('_') ? written.replaceAll('_', '') : written;
    this.#index = end;
    this.refuseAfterNumber();
    if (isFloat) return Number(literal);
    // `007` is a syntax error in Python 3; `000` is zero.
    if (literal.length > 1 && literal[0] === '0' && /[1-9]/.test(literal)) throw new NotLiteral();
    if (literal.length > PYTHON_INT_MAX_DIGITS) throw new NotLiteral();
    return Number(literal);
  }

  /**
   * The common case of `readNumber`, without slicing the text: up to 15 decimal digits with no
   * `_`, `.` or exponent after them, added up as they are read. `undefined` (nothing consumed)
   * for any other number, which the general path reads.
   */
  private readPlainInteger(start: number): number | undefined {
    const text = this.text;
    let end = start;
    let value = 0;
    for (; end - start <= EXACT_DIGITS; end += 1) {
      const code = codeAt(text, end);
      if (!(code >= 0x30 && code <= 0x39)) break;
      value = value * 10 + (code - 0x30);
    }
    const after = codeAt(text, end) | 0x20;
    if (end === start || end - start > EXACT_DIGITS || after === 0x7f || after === 0x2e || after === 0x65) return undefined;
    this.#index = end;
    this.refuseAfterNumber();
    // `007` is a syntax error in Python 3; `000` is zero.
    if (value !== 0 && codeAt(text, start) === 0x30) throw new NotLiteral();
    return value;
  }

  /** A letter, digit or `_` right after a number (`1j`, `1abc`) is not a literal dspex reads. */
  private refuseAfterNumber(): void {
    const code = codeAt(this.text, this.#index);
    if (isAsciiWordCode(code) || code === DOT || code > 0x7f) throw new NotLiteral();
  }

  /** One or more adjacent string literals, joined (`'a' 'b'` is `'ab'`). */
  private readStrings(raw: boolean): string {
    let value = this.readString(raw);
    for (;;) {
      const next = this.peek();
      if (next === DOUBLE_QUOTE || next === SINGLE_QUOTE) {
        value += this.readString(false);
      } else if (this.isRawStringStart(next)) {
        this.#index += 1;
        value += this.readString(true);
      } else {
        return value;
      }
    }
  }

  private readString(raw: boolean): string {
    const quote = this.text[this.#index];
    const triple = this.text.startsWith(quote.repeat(3), this.#index);
    const delimiter = triple ? quote.repeat(3) : quote;
    let index = this.#index + delimiter.length;
    let value = '';
    const quoteCode = quote.charCodeAt(0);
    for (;;) {
      // Plain characters are copied as one run.
      const runStart = index;
      for (; index < this.text.length; index += 1) {
        const code = this.text.charCodeAt(index);
        if (code === quoteCode || code === 0x5c || code === 0x0a || code === 0x0d) break;
      }
      value += this.text.slice(runStart, index);
      if (index >= this.text.length) throw new NotLiteral();
      if (this.text.startsWith(delimiter, index)) break;
      const char = this.text[index];
      if (!triple && (char === '\n' || char === '\r')) throw new NotLiteral();
      if (char !== '\\') {
        value += char;
        index += 1;
        continue;
      }
      const escaped = this.text[index + 1];
      if (escaped === undefined) throw new NotLiteral();
      if (raw) {
        value += char + escaped;
        index += 2;
        continue;
      }
      const width = escaped === 'x' ? 2 : escaped === 'u' ? 4 : escaped === 'U' ? 8 : 0;
      if (width > 0) {
        const hex = this.text.slice(index + 2, index + 2 + width);
        if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) throw new NotLiteral();
        const point = parseInt(hex, 16);
        if (point > 0x10ffff) throw new NotLiteral();
        value += String.fromCodePoint(point);
        index += 2 + width;
      } else if (escaped >= '0' && escaped <= '7') {
        const octal = /[0-7]{1,3}/y;
        octal.lastIndex = index + 1;
        const digits = octal.exec(this.text)![0];
        value += String.fromCharCode(parseInt(digits, 8));
        index += 1 + digits.length;
      } else if (Object.hasOwn(ESCAPES, escaped)) {
        value += ESCAPES[escaped];
        index += 2;
      } else {
        // Python keeps an unknown escape as written.
        value += char + escaped;
        index += 2;
      }
    }
    this.#index = index + delimiter.length;
    return value;
  }

  /** After `(`: `()`, a grouping `(x)`, or a tuple `(x,)`/`(x, y)`. */
  private readParenthesized(depth: number): unknown {
    if (this.peek() === CLOSE_PAREN) {
      this.#index += 1;
      return [];
    }
    const value = this.readExpression(depth, true);
    if (this.peek() !== CLOSE_PAREN) throw new NotLiteral();
    this.#index += 1;
    return value;
  }

  private readItems(depth: number, close: number): unknown[] {
    const items = new ItemBlocks();
    if (this.peek() !== close) {
      items.push(this.readValue(depth));
      this.readMoreItems(items, depth);
    }
    if (this.peek() !== close) throw new NotLiteral();
    this.#index += 1;
    return items.toArray();
  }

  /** After `{`: a dict (`{}` included), or a set of hashable scalars. */
  private readBraces(depth: number): Record<string, unknown> | Set<unknown> {
    if (this.peek() === CLOSE_BRACE) {
      this.#index += 1;
      return {};
    }
    const first = this.readValue(depth);
    if (this.peek() !== COLON) {
      const blocks = new ItemBlocks();
      blocks.push(first);
      this.readMoreItems(blocks, depth);
      const items = blocks.toArray();
      if (this.peek() !== CLOSE_BRACE || items.some((item) => item !== null && typeof item === 'object')) throw new NotLiteral();
      this.#index += 1;
      return new Set(items);
    }
    const result: Record<string, unknown> = {};
    let key = first;
    for (;;) {
      if (key !== null && typeof key === 'object') throw new NotLiteral();
      if (this.peek() !== COLON) throw new NotLiteral();
      this.#index += 1;
      // defineProperty keeps a "__proto__" key an own property.
      Object.defineProperty(result, String(key), { value: this.readValue(depth), enumerable: true, writable: true, configurable: true });
      if (this.peek() !== COMMA) break;
      this.#index += 1;
      if (this.peek() === CLOSE_BRACE) break;
      key = this.readValue(depth);
    }
    if (this.peek() !== CLOSE_BRACE) throw new NotLiteral();
    this.#index += 1;
    return result;
  }
}

/**
 * Reads text as a Python literal, as `ast.literal_eval` does.
 * @returns `{ ok: true, value }`, or `{ ok: false }` when the text is not a literal (`tooDeep` past the nesting limit).
 */
export function parsePythonLiteral(text: string): PythonLiteralResult {
  // literal_eval strips leading spaces and tabs; a leading line break is fine in eval mode too.
  try {
    return { ok: true, value: new LiteralReader(text).readAll() };
  } catch (error) {
    if (error instanceof NotLiteral) return NOT_LITERAL;
    if (error instanceof TooDeep) return TOO_DEEP;
    throw error;
  }
}
