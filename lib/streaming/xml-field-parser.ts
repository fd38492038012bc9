import type { FieldEmitter, FieldStreamParser } from './field-stream-parser';
import { OpenField } from './field-text';

/** The five entities XML predefines; the adapter's parser knows no others. */
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** The longest reference worth holding back for its `;`: `&#x10FFFF;` is ten characters. */
const LONGEST_REFERENCE = 10;

/**
 * XMLAdapter replies (DSPy's `<field>…</field>`): a wanted field's opening tag starts it and its
 * own closing tag ends it; the text between streams stripped, as the adapter strips it. Tags
 * split across pieces are held back (never more than the longest tag), and never shown. Entity
 * and character references stream decoded, as the parsed field holds them (`&amp;` is `&`); a
 * reference split across pieces is held until its `;`.
 */
export class XmlFieldParser implements FieldStreamParser {
  readonly #wanted: ReadonlySet<string>;
  readonly #emit: FieldEmitter;
  readonly #seen = new Set<string>();
  readonly #longestOpenTag: number;
  #held = '';
  /** The wanted field being streamed, if any. */
  #field: OpenField | undefined;
  #closeTag = '';

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
      this.#field.add(decodeReferences(this.#held));
      this.#field.dropHeldWhitespace();
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
          this.#field = new OpenField(name, this.#emit);
          this.#closeTag = `</${name}>`;
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
      this.#field?.add(decodeReferences(text.slice(0, close)));
      this.#field?.dropHeldWhitespace();
      this.#flush(true);
      return text.slice(close + this.#closeTag.length);
    }
    let hold = Math.min(this.#closeTag.length - 1, text.length);
    while (hold > 0 && !this.#closeTag.startsWith(text.slice(text.length - hold))) hold -= 1;
    // A reference cut by the piece's end waits for the rest of it.
    const amp = text.lastIndexOf('&');
    if (amp !== -1 && amp >= text.length - LONGEST_REFERENCE && !text.includes(';', amp)) hold = Math.max(hold, text.length - amp);
    this.#field?.add(decodeReferences(text.slice(0, text.length - hold)));
    this.#held = text.slice(text.length - hold);
    return '';
  }

  #flush(last: boolean): void {
    this.#field?.flush(last);
    if (last) this.#field = undefined;
  }
}

/** Replaces `&name;`, `&#N;` and `&#xH;` references with their text; anything else stays as written. */
function decodeReferences(text: string): string {
  if (!text.includes('&')) return text;
  let result = '';
  let from = 0;
  for (let amp = text.indexOf('&'); amp !== -1; amp = text.indexOf('&', amp + 1)) {
    const semicolon = text.indexOf(';', amp + 1);
    if (semicolon === -1) break;
    if (semicolon - amp > LONGEST_REFERENCE) continue;
    const decoded = referenceText(text.slice(amp + 1, semicolon));
    if (decoded === undefined) continue;
    result += text.slice(from, amp) + decoded;
    from = semicolon + 1;
    amp = semicolon;
  }
  return result + text.slice(from);
}

function referenceText(name: string): string | undefined {
  if (Object.hasOwn(ENTITIES, name)) return ENTITIES[name];
  const hex = /^#x([0-9a-fA-F]{1,6})$/.exec(name);
  const decimal = /^#([0-9]{1,7})$/.exec(name);
  const code = hex !== null ? Number.parseInt(hex[1] ?? '', 16) : decimal !== null ? Number.parseInt(decimal[1] ?? '', 10) : Number.NaN;
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}
