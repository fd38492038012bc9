import { SignatureError, describeProblem } from '../errors';
import { MAX_NESTING_DEPTH } from '../util/nesting-depth';
import { quotedPreview } from '../util/quoted-preview';

/** What the current token of a type annotation is. */
export type TokenKind = 'name' | 'string' | 'number' | 'punct' | 'ellipsis' | 'end';

// Sticky patterns read a token where it starts, without copying the rest of the text.
const NUMBER_TOKEN = /-?\d+(\.\d+)?([eE][-+]?\d+)?/y;
// The names the parser looks up, by length: a token spelling one is compared in place and the
// constant returned, not a fresh copy (16,000 union members would each copy and hash `Literal`).
const NAMES_BY_LENGTH: (string[] | undefined)[] = [];
for (const name of 'str int float bool Any None NoneType Image dspy.Image list List tuple Tuple set Set frozenset FrozenSet dict Dict Optional Union Literal True False'.split(
  ' ',
)) {
  (NAMES_BY_LENGTH[name.length] ??= []).push(name);
}
const KNOWN_TYPE_NAMES = 'str, int, float, bool, Any, list[T], dict[str, T], set[T], tuple[T, ...], Literal[...], Optional[T], Union[...]';

/** The whitespace Python's tokenizer skips inside brackets: space, tab, form feed and line breaks; other spaces are errors there. */
export function isSignatureSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 12 || code === 10 || code === 13;
}

/** A `SignatureError` naming the position and quoting (the start of) the signature text. */
export function typeError(problem: string, source: string, position: number, fix: string): SignatureError {
  return new SignatureError(describeProblem(`${problem} at position ${position}.`, quotedPreview(source), fix), { position, details: { text: source } });
}

/** The value of a quoted literal whose body is `text[start, end)` and holds a backslash: `\n`, `\t` and `\x` escapes read. */
function unescape(text: string, start: number, end: number): string {
  const parts: string[] = [];
  let chunk = start;
  for (let index = start; index < end; index += 1) {
    if (text.charCodeAt(index) === 0x5c && index + 1 < end) {
      const escaped = text[index + 1];
      parts.push(text.slice(chunk, index), escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped);
      index += 1;
      chunk = index + 1;
    }
  }
  parts.push(text.slice(chunk, end));
  return parts.join('');
}

/**
 * Reads a type annotation one token at a time, in place: the current token is a kind and a span
 * of the text, and its value is read only when the parser asks. No token objects, no copies of
 * the text, so a 1 MB annotation costs one pass. Positions are offsets in the whole signature.
 */
export class TypeLexer {
  kind: TokenKind = 'end';
  /** Where the current token starts and ends, as indexes into `text`. */
  start = 0;
  end = 0;
  #depth = 0;
  #stringValue = '';

  constructor(
    private readonly text: string,
    /** Where `text` starts in the whole signature (error positions are offsets in it). */
    private readonly offset: number,
    /** The whole signature, quoted in error messages. */
    readonly source: string,
  ) {
    this.advance();
  }

  /** The current token's position in the whole signature. */
  get position(): number {
    return this.offset + this.start;
  }

  /** The current token's text (a name or a number). */
  tokenText(): string {
    const candidates = this.kind === 'name' ? NAMES_BY_LENGTH[this.end - this.start] : undefined;
    if (candidates !== undefined) {
      for (let index = 0; index < candidates.length; index += 1) if (this.text.startsWith(candidates[index], this.start)) return candidates[index];
    }
    return this.text.slice(this.start, this.end);
  }

  /** The value of the current number token; up to nine digits (a union member's usual value) are read in place, without copying the text. */
  numberValue(): number {
    const text = this.text;
    const negative = text.charCodeAt(this.start) === 0x2d;
    let index = negative ? this.start + 1 : this.start;
    if (this.end - index > 9) return Number(this.tokenText());
    let value = 0;
    for (; index < this.end; index += 1) {
      const code = text.charCodeAt(index);
      if (code < 0x30 || code > 0x39) return Number(this.tokenText());
      value = value * 10 + (code - 0x30);
    }
    return negative ? -value : value;
  }

  /** The value of the current string token. */
  get stringValue(): string {
    return this.#stringValue;
  }

  /** True when the current token is the punctuation `char` (`[`, `]`, `,` or `|`). */
  isPunct(char: string): boolean {
    return this.kind === 'punct' && this.text.charCodeAt(this.start) === char.charCodeAt(0);
  }

  /** Moves to the next token. */
  advance(): void {
    const text = this.text;
    let index = this.end;
    // -1 past the end: reading there (NaN) deoptimised the compiled lexer at the end of every type.
    let code = index < text.length ? text.charCodeAt(index) : -1;
    while (isSignatureSpace(code)) code = ++index < text.length ? text.charCodeAt(index) : -1;
    this.start = index;
    if (index >= text.length) {
      this.kind = 'end';
      this.end = index;
      return;
    }
    const position = this.offset + index;
    if (code === 0x5b || code === 0x5d || code === 0x2c || code === 0x7c) {
      if (code === 0x5b && ++this.#depth > MAX_NESTING_DEPTH) {
        throw typeError(`Type nested more than ${MAX_NESTING_DEPTH} levels deep`, this.source, position, 'Flatten the type; DSPy types never nest this deep.');
      }
      if (code === 0x5d) this.#depth -= 1;
      this.kind = 'punct';
      this.end = index + 1;
    } else if (code === 0x27 || code === 0x22) {
      let end = index + 1;
      let escaped = false;
      for (; end < text.length; end += 1) {
        const next = text.charCodeAt(end);
        if (next === code) break;
        if (next === 0x5c) {
          escaped = true;
          end += 1;
        }
      }
      if (end >= text.length) throw typeError('Unterminated string literal', this.source, position, `Close the quote ${text[index]}.`);
      this.kind = 'string';
      this.#stringValue = escaped ? unescape(text, index + 1, end) : text.slice(index + 1, end);
      this.end = end + 1;
    } else if (code === 0x2e && text.startsWith('...', index)) {
      this.kind = 'ellipsis';
      this.end = index + 3;
    } else if (code === 0x2d || (code >= 0x30 && code <= 0x39)) {
      NUMBER_TOKEN.lastIndex = index;
      if (!NUMBER_TOKEN.test(text)) throw typeError(`Unexpected character "${text[index]}"`, this.source, position, 'Write a number such as 3 or 0.5.');
      this.kind = 'number';
      this.end = NUMBER_TOKEN.lastIndex;
    } else {
      const end = nameEnd(text, index);
      if (end === index) {
        throw typeError(
          `Unexpected character ${JSON.stringify(text[index])} in a type`,
          this.source,
          position,
          `Use DSPy's type spelling: ${KNOWN_TYPE_NAMES}.`,
        );
      }
      this.kind = 'name';
      this.end = end;
    }
  }
}

/** 1 for the characters of a name (`[A-Za-z0-9_]`), 2 for those that may start one (`[A-Za-z_]`). */
const NAME_CHAR = new Uint8Array(128);
for (let code = 0; code < 128; code += 1) {
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 0x5f) NAME_CHAR[code] = 2;
  else if (code >= 48 && code <= 57) NAME_CHAR[code] = 1;
}

/**
 * Where the dotted name starting at `start` ends (`start` when none starts there): what the
 * pattern `[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*` matches, read without a regex call per name.
 */
function nameEnd(text: string, start: number): number {
  // Past the end reads as 0, which no name holds (a read there deoptimised the compiled lexer).
  const codeAt = (index: number): number => (index < text.length ? text.charCodeAt(index) : 0);
  let index = start;
  let code = codeAt(index);
  // Each round reads one part: a character that starts a name, then the name's other characters.
  while (code < 128 && NAME_CHAR[code] === 2) {
    index += 1;
    code = codeAt(index);
    while (code < 128 && NAME_CHAR[code] !== 0) {
      index += 1;
      code = codeAt(index);
    }
    if (code !== 0x2e) break;
    const next = codeAt(index + 1);
    if (!(next < 128 && NAME_CHAR[next] === 2)) break;
    index += 1;
    code = next;
  }
  return index;
}

export { KNOWN_TYPE_NAMES };
