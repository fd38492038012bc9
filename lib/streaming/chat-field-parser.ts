import { isLineBreak, isPythonSpace } from '../util/python-text';
import type { FieldEmitter, FieldStreamParser } from './field-stream-parser';
import { OpenField } from './field-text';

const HEADER_OPEN = '[[ ## ';
const HEADER_CLOSE = ' ## ]]';
/** A longer name is not taken for a header while streaming (the held text stays bounded). */
const MAX_NAME_LENGTH = 256;
const NAME_CHAR = /[\p{L}\p{N}_]/u;

function isNameChar(code: number): boolean {
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
  return NAME_CHAR.test(String.fromCharCode(code));
}

/**
 * ChatAdapter replies, read as `ChatSections` reads them (DSPy's `ChatAdapter.parse`): a line
 * whose text, after spaces, is `[[ ## name ## ]]` opens the section `name` (text after the marker
 * on that line is its first line) and ends the one before; text before the first marker belongs
 * to no field. Line breaks read as `\n`, and each field is stripped, so the pieces of a field join
 * up to the parsed value (a text field's, exactly). One pass over each piece; only a possible
 * marker at a line start is held back.
 */
export class ChatFieldParser implements FieldStreamParser {
  readonly #wanted: ReadonlySet<string>;
  readonly #emit: FieldEmitter;
  readonly #seen = new Set<string>();
  /** The wanted field being streamed, if any. */
  #field: OpenField | undefined;
  #lineStart = true;
  #onHeaderLine = false;
  #afterCarriageReturn = false;
  /** A possible marker being matched: the text so far, and which part of it is being matched. */
  #candidate = '';
  #phase: 'none' | 'open' | 'name' | 'close' = 'none';
  #closeAt = 0;

  constructor(wanted: ReadonlySet<string>, emit: FieldEmitter) {
    this.#wanted = wanted;
    this.#emit = emit;
  }

  push(piece: string): void {
    let run = 0;
    for (let index = 0; index < piece.length; index += 1) {
      const code = piece.charCodeAt(index);
      if (this.#phase !== 'none') {
        const verdict = this.#matchCandidate(code);
        if (verdict === 'more') continue;
        if (verdict === 'header') {
          run = index + 1;
          continue;
        }
        run = index;
      }
      if (this.#afterCarriageReturn) {
        this.#afterCarriageReturn = false;
        if (code === 10) {
          run = index + 1;
          continue;
        }
      }
      if (isLineBreak(code)) {
        this.#content(piece.slice(run, index));
        if (this.#onHeaderLine) this.#field?.dropHeldWhitespace();
        this.#onHeaderLine = false;
        this.#content('\n');
        this.#lineStart = true;
        this.#afterCarriageReturn = code === 13;
        run = index + 1;
      } else if (this.#lineStart && code === 91) {
        this.#content(piece.slice(run, index));
        this.#lineStart = false;
        this.#candidate = '[';
        this.#phase = 'open';
        run = index + 1;
      } else if (this.#lineStart && !isPythonSpace(code)) {
        this.#lineStart = false;
      }
    }
    if (this.#phase === 'none') this.#content(piece.slice(run));
    this.#flush(false);
  }

  finish(): void {
    if (this.#phase !== 'none') this.#notHeader();
    this.#field?.dropHeldWhitespace();
    this.#flush(true);
  }

  /** Advances the possible marker by one character: still matching, a whole marker, or not a marker (then it reads as text). */
  #matchCandidate(code: number): 'more' | 'header' | 'text' {
    const char = String.fromCharCode(code);
    if (this.#phase === 'open') {
      if (char !== HEADER_OPEN[this.#candidate.length]) return this.#notHeader();
      this.#candidate += char;
      if (this.#candidate.length === HEADER_OPEN.length) this.#phase = 'name';
      return 'more';
    }
    if (this.#phase === 'name') {
      const nameLength = this.#candidate.length - HEADER_OPEN.length;
      if (isNameChar(code) && nameLength < MAX_NAME_LENGTH) {
        this.#candidate += char;
        return 'more';
      }
      if (code !== 32 || nameLength === 0) return this.#notHeader();
      this.#candidate += char;
      this.#phase = 'close';
      this.#closeAt = 1;
      return 'more';
    }
    if (char !== HEADER_CLOSE[this.#closeAt]) return this.#notHeader();
    this.#candidate += char;
    this.#closeAt += 1;
    if (this.#closeAt < HEADER_CLOSE.length) return 'more';
    this.#header(this.#candidate.slice(HEADER_OPEN.length, this.#candidate.length - HEADER_CLOSE.length));
    return 'header';
  }

  #notHeader(): 'text' {
    const text = this.#candidate;
    this.#candidate = '';
    this.#phase = 'none';
    this.#content(text);
    return 'text';
  }

  #header(name: string): void {
    this.#candidate = '';
    this.#phase = 'none';
    this.#onHeaderLine = true;
    if (this.#field !== undefined) {
      this.#field.dropHeldWhitespace();
      this.#flush(true);
    }
    if (this.#wanted.has(name) && !this.#seen.has(name)) {
      this.#seen.add(name);
      this.#field = new OpenField(name, this.#emit);
    }
  }

  #content(text: string): void {
    if (text !== '') this.#field?.add(text);
  }

  /** Hands over the open field's text; `last` also closes the field. */
  #flush(last: boolean): void {
    this.#field?.flush(last);
    if (last) this.#field = undefined;
  }
}
