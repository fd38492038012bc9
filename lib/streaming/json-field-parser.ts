import { isPythonSpace } from '../util/python-text';
import type { FieldEmitter, FieldStreamParser } from './field-stream-parser';
import { FieldText } from './field-text';

/** A longer key cannot be a field name; it is skipped without being kept. */
const MAX_KEY_LENGTH = 1024;
const STRING_SPECIAL = /["\\]/g;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

type State = 'before' | 'key-or-end' | 'key' | 'colon' | 'value' | 'string' | 'raw' | 'after-value' | 'end' | 'lost';

/**
 * JSONAdapter replies: the first `{` opens the object (text before it, such as a code fence, is
 * skipped); each top-level key that names a wanted field streams its value. A string value streams
 * as its decoded text (escapes, `\uXXXX` included, read across piece boundaries), so its pieces join
 * up to the parsed string; any other value streams as its JSON text. A field ends with its value.
 * A reply that stops being JSON (single quotes, a missing colon) streams nothing more: the
 * `Prediction` still carries what the adapter's lenient parse makes of it.
 */
export class JsonFieldParser implements FieldStreamParser {
  readonly #wanted: ReadonlySet<string>;
  readonly #emit: FieldEmitter;
  readonly #seen = new Set<string>();
  #state: State = 'before';
  /** The key being read (undefined once it is too long to be a field name). */
  #key: string | undefined = '';
  /** An escape sequence read only in part (`\`, `\u00`, …). */
  #escape = '';
  #field: string | undefined;
  #out = '';
  #raw: FieldText | undefined;
  #rawDepth = 0;
  #rawInString = false;
  #rawEscape = false;

  constructor(wanted: ReadonlySet<string>, emit: FieldEmitter) {
    this.#wanted = wanted;
    this.#emit = emit;
  }

  push(piece: string): void {
    let index = 0;
    while (index < piece.length && this.#state !== 'end' && this.#state !== 'lost') {
      if (this.#state === 'string' || this.#state === 'key') index = this.#readString(piece, index);
      else if (this.#state === 'raw') index = this.#readRaw(piece, index);
      else index = this.#readStructure(piece, index);
    }
    this.#flush(false);
  }

  finish(): void {
    if (this.#field !== undefined) this.#endField();
    this.#state = 'end';
  }

  /** One structural character (outside strings and values): returns the next index. */
  #readStructure(piece: string, index: number): number {
    const code = piece.charCodeAt(index);
    if (this.#state === 'before') {
      const open = piece.indexOf('{', index);
      if (open === -1) return piece.length;
      this.#state = 'key-or-end';
      return open + 1;
    }
    if (isPythonSpace(code)) return index + 1;
    switch (this.#state) {
      case 'key-or-end':
        if (code === 34) {
          this.#key = '';
          this.#state = 'key';
        } else if (code === 125) this.#state = 'end';
        else if (code !== 44) this.#lose();
        return index + 1;
      case 'colon':
        if (code === 58) this.#state = 'value';
        else this.#lose();
        return index + 1;
      case 'value':
        if (code === 34) {
          this.#state = 'string';
          return index + 1;
        }
        if (code === 44 || code === 125 || code === 58 || code === 93) {
          this.#lose();
          return index + 1;
        }
        this.#state = 'raw';
        this.#raw = new FieldText();
        this.#rawDepth = 0;
        this.#rawInString = false;
        this.#rawEscape = false;
        return index;
      case 'after-value':
        if (code === 44) this.#state = 'key-or-end';
        else if (code === 125) this.#state = 'end';
        else this.#lose();
        return index + 1;
      default:
        return index + 1;
    }
  }

  /** A key or a string value, up to its closing quote or the piece's end. */
  #readString(piece: string, index: number): number {
    let at = index;
    while (at < piece.length) {
      if (this.#escape !== '') {
        this.#escape += piece[at];
        at += 1;
        const decoded = decodeEscape(this.#escape);
        if (decoded !== undefined) {
          this.#escape = '';
          this.#addStringText(decoded);
        }
        continue;
      }
      STRING_SPECIAL.lastIndex = at;
      const special = STRING_SPECIAL.exec(piece);
      const end = special === null ? piece.length : special.index;
      if (end > at) this.#addStringText(piece.slice(at, end));
      if (special === null) return piece.length;
      at = end + 1;
      if (special[0] === '\\') {
        this.#escape = '\\';
        continue;
      }
      this.#endString();
      return at;
    }
    return at;
  }

  #addStringText(text: string): void {
    if (this.#state === 'key') {
      if (this.#key !== undefined) this.#key = this.#key.length + text.length > MAX_KEY_LENGTH ? undefined : this.#key + text;
    } else if (this.#field !== undefined) {
      this.#out += text;
    }
  }

  #endString(): void {
    if (this.#state === 'key') {
      const key = this.#key;
      const isWanted = key !== undefined && this.#wanted.has(key) && !this.#seen.has(key);
      if (key !== undefined) this.#seen.add(key);
      this.#field = isWanted ? key : undefined;
      this.#state = 'colon';
      return;
    }
    this.#state = 'after-value';
    if (this.#field !== undefined) this.#endField();
  }

  /** A number, literal, array or object value, as JSON text, up to the `,` or `}` after it. */
  #readRaw(piece: string, index: number): number {
    let at = index;
    for (; at < piece.length; at += 1) {
      const code = piece.charCodeAt(at);
      if (this.#rawInString) {
        if (this.#rawEscape) this.#rawEscape = false;
        else if (code === 92) this.#rawEscape = true;
        else if (code === 34) this.#rawInString = false;
      } else if (code === 34) {
        this.#rawInString = true;
      } else if (code === 123 || code === 91) {
        this.#rawDepth += 1;
      } else if (code === 125 || code === 93) {
        if (this.#rawDepth === 0) break;
        this.#rawDepth -= 1;
      } else if (code === 44 && this.#rawDepth === 0) {
        break;
      }
    }
    if (this.#field !== undefined) this.#raw?.add(piece.slice(index, at));
    if (at < piece.length) {
      this.#state = 'after-value';
      if (this.#field !== undefined) this.#endField();
      this.#raw = undefined;
    }
    return at;
  }

  #lose(): void {
    if (this.#field !== undefined) this.#endField();
    this.#state = 'lost';
  }

  #endField(): void {
    this.#raw?.dropHeldWhitespace();
    this.#flush(true);
  }

  #flush(last: boolean): void {
    if (this.#field === undefined) return;
    if (this.#raw !== undefined) this.#out += this.#raw.take();
    const text = this.#out;
    this.#out = '';
    if (text !== '' || last) this.#emit(this.#field, text, last);
    if (last) {
      this.#field = undefined;
      this.#raw = undefined;
    }
  }
}

/** The text of a complete escape sequence, or undefined while it is incomplete. */
function decodeEscape(escape: string): string | undefined {
  const kind = escape[1];
  if (kind !== 'u') return SIMPLE_ESCAPES[kind] ?? kind;
  if (escape.length < 6) return undefined;
  const hex = escape.slice(2, 6);
  return /^[0-9a-fA-F]{4}$/.test(hex) ? String.fromCharCode(parseInt(hex, 16)) : escape;
}
