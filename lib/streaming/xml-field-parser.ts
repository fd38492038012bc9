import type { FieldEmitter, FieldStreamParser } from './field-stream-parser';
import { FieldText } from './field-text';

/**
 * XMLAdapter replies (DSPy's `<field>…</field>`): a wanted field's opening tag starts it and its
 * own closing tag ends it; the text between streams stripped, as the adapter strips it. Tags
 * split across pieces are held back (never more than the longest tag), and never shown.
 */
export class XmlFieldParser implements FieldStreamParser {
  readonly #wanted: ReadonlySet<string>;
  readonly #emit: FieldEmitter;
  readonly #seen = new Set<string>();
  readonly #longestOpenTag: number;
  #held = '';
  #field: string | undefined;
  #closeTag = '';
  #text: FieldText | undefined;

  constructor(wanted: ReadonlySet<string>, emit: FieldEmitter) {
    this.#wanted = wanted;
    this.#emit = emit;
    this.#longestOpenTag = Math.max(0, ...[...wanted].map((name) => name.length + 2));
  }

  push(piece: string): void {
    let text = this.#held + piece;
    this.#held = '';
    while (text !== '') text = this.#field === undefined ? this.#outside(text) : this.#inside(text);
    this.#flush(false);
  }

  finish(): void {
    if (this.#field !== undefined) {
      this.#text?.add(this.#held);
      this.#text?.dropHeldWhitespace();
      this.#flush(true);
    }
    this.#held = '';
  }

  /** Looks for a wanted field's opening tag; returns the text after it, or '' when the piece is used up. */
  #outside(text: string): string {
    for (let lt = text.indexOf('<'); lt !== -1; lt = text.indexOf('<', lt + 1)) {
      const rest = text.slice(lt, lt + this.#longestOpenTag);
      for (const name of this.#wanted) {
        if (this.#seen.has(name)) continue;
        const tag = `<${name}>`;
        if (rest.startsWith(tag)) {
          this.#seen.add(name);
          this.#field = name;
          this.#closeTag = `</${name}>`;
          this.#text = new FieldText();
          return text.slice(lt + tag.length);
        }
      }
      const couldStart = lt + rest.length === text.length && [...this.#wanted].some((name) => !this.#seen.has(name) && `<${name}>`.startsWith(rest));
      if (couldStart) {
        this.#held = rest;
        return '';
      }
    }
    return '';
  }

  /** Streams the open field up to its closing tag; returns the text after the tag, or ''. */
  #inside(text: string): string {
    const close = text.indexOf(this.#closeTag);
    if (close !== -1) {
      this.#text?.add(text.slice(0, close));
      this.#text?.dropHeldWhitespace();
      this.#flush(true);
      return text.slice(close + this.#closeTag.length);
    }
    let hold = Math.min(this.#closeTag.length - 1, text.length);
    while (hold > 0 && !this.#closeTag.startsWith(text.slice(text.length - hold))) hold -= 1;
    this.#text?.add(text.slice(0, text.length - hold));
    this.#held = text.slice(text.length - hold);
    return '';
  }

  #flush(last: boolean): void {
    if (this.#field === undefined || this.#text === undefined) return;
    const text = this.#text.take();
    if (text !== '' || last) this.#emit(this.#field, text, last);
    if (last) {
      this.#field = undefined;
      this.#text = undefined;
    }
  }
}
