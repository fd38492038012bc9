import { MAX_NESTING_DEPTH } from '../util/nesting-depth';
import { XmlDocument, type XmlBlockPool } from './xml-document';

export { XmlBlockPool, XmlDocument } from './xml-document';

/**
 * A small XML reader with the semantics DSPy's `XMLAdapter.parse` gets from Python's
 * `xml.etree.ElementTree.fromstring` (expat, namespace-aware): well-formedness errors where
 * expat reports them, the five predefined entities and character references only, comments and
 * processing instructions dropped (the text around them joins), CDATA as text, `\r\n` and `\r`
 * read as `\n`, and attribute values normalised. One pass over the text; nesting is bounded.
 */

/** Why a text is not well-formed XML, and where (0-based index into the parsed text). */
export class XmlSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly index: number,
    readonly tooDeep = false,
  ) {
    super(problem);
  }
}

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);
// XML 1.0 (fifth edition) Name, with ':' kept out: expat's namespace mode splits on it.
const NAME_START =
  'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
// eslint-disable-next-line no-misleading-character-class -- NameChar includes combining marks (U+0300–U+036F) by design
const NAME = new RegExp(`[${NAME_START}][${NAME_CHAR}]*(?::[${NAME_START}][${NAME_CHAR}]*)?`, 'uy');
// Characters XML 1.0 forbids: C0 controls but tab and line breaks, U+FFFE/U+FFFF, lone surrogates.
// eslint-disable-next-line no-control-regex -- these control characters are exactly what is refused
const INVALID_CHAR = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const PIECES_PER_BATCH = 4_096;
// Text up to this long is scanned for its end character by character, longer text by `indexOf`.
const SHORT_TEXT = 16;
const CHAR_REFERENCE = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/;
const WHITESPACE = /[ \t\r\n]/;

/** The character a predefined entity reference (`amp;`, `lt;`, `gt;`, `quot;`, `apos;`) at `at` stands for, read without copying. */
function predefinedAt(text: string, at: number): string | undefined {
  const first = text.charCodeAt(at);
  if (first === 97) {
    if (text.startsWith('mp;', at + 1)) return '&';
    if (text.startsWith('pos;', at + 1)) return "'";
  } else if (first === 108 || first === 103) {
    if (text.charCodeAt(at + 1) === 116 && text.charCodeAt(at + 2) === 59) return first === 108 ? '<' : '>';
  } else if (first === 113 && text.startsWith('uot;', at + 1)) {
    return '"';
  }
  return undefined;
}

function isXmlSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

function isAsciiNameChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 45 || code === 46;
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** Reads XML text into an `XmlDocument`. */
class XmlReader {
  #index = 0;
  /** The open elements, outermost first. */
  readonly #stack: number[] = [];
  readonly #document: XmlDocument;
  /** Namespace prefixes each declaring element binds (`''` for the default namespace). */
  readonly #bindings = new Map<number, Map<string, string>>();
  /** Where text goes next: the open element's text, or the last closed child's tail. */
  #textElement = -1;
  #textIsTail = false;
  /** Whether the source is read inside a root element it does not itself open (`readInRoot`). */
  #inRoot = false;
  /** Whether any `xmlns` declaration was seen (names are expanded only then). */
  #hasNamespaces = false;
  /** The last plain name read: a repeated tag reuses this string instead of copying it again. */
  #lastName = '';
  /** False when the whole text holds no character XML forbids: then no stretch of it needs the check. */
  readonly #mayHaveInvalidChars: boolean;
  readonly #hasCarriageReturn: boolean;
  // The next `&` and `]]>` at or after the last stretch searched: each search resumes past the
  // previous one, so finding them for every stretch of text stays one pass over the source.
  #nextAmpersand = -1;
  #nextCdataEnd = -1;

  constructor(
    private readonly source: string,
    /** Text directly inside the document element is checked but not kept (XMLAdapter never reads it). */
    private readonly keepRootText: boolean,
    pool: XmlBlockPool | undefined,
  ) {
    this.#document = new XmlDocument(source, pool);
    this.#mayHaveInvalidChars = INVALID_CHAR.test(source);
    this.#hasCarriageReturn = source.includes('\r');
  }

  read(): XmlDocument {
    this.readMarkup();
    if (this.#document.size === 0) throw new XmlSyntaxError('no element found', this.source.length);
    if (this.#stack.length > 0) throw new XmlSyntaxError('no element found (an element is not closed)', this.source.length);
    return this.#document;
  }

  /** Hands the document's storage back to its pool (after a failed read: nobody holds the document). */
  release(): void {
    this.#document.release();
  }

  /**
   * Reads `<rootTag>source</rootTag>` as if the source were wrapped so (see `parseXml`); error
   * indices are into the source, so `rootTag.length + 2` less than into the wrapped text.
   */
  readInRoot(rootTag: string): XmlDocument {
    this.#inRoot = true;
    this.openElement(rootTag, undefined, 0);
    this.readMarkup();
    // What `</rootTag>` at the end does: close the root, or fail as the wrapped text would.
    const at = this.source.length;
    const open = this.#stack[this.#stack.length - 1];
    if (open === undefined) this.fail('junk after document element', at);
    if (open !== 0) {
      if ((this.#hasNamespaces ? this.expandName(rootTag, true, at) : rootTag) !== this.#document.tag(open)) this.fail('mismatched tag', at + 2);
      // It closes an inner element of its name, and the root stays open.
      this.fail('no element found (an element is not closed)', at + rootTag.length + 3);
    }
    this.closeElement(0);
    return this.#document;
  }

  private readMarkup(): void {
    const text = this.source;
    const length = text.length;
    while (this.#index < length) {
      const start = this.#index;
      // Markup follows markup, or a short text (a list item's): both found without a search call.
      let lt = start;
      const scanEnd = Math.min(start + SHORT_TEXT, length);
      while (lt < scanEnd && text.charCodeAt(lt) !== 60) lt += 1;
      if (lt === scanEnd && lt < length) lt = text.indexOf('<', lt);
      const end = lt === -1 ? length : lt;
      if (end > start) this.characterData(start, end);
      if (end === length) break;
      this.#index = lt;
      if (!this.plainTag(lt)) this.markup();
    }
  }

  /**
   * The tags of most replies, `<name>`, `<name/>` and `</name>` closing the open element, read in
   * one step when their names are plain ASCII and no namespace is declared (so names need no
   * expanding). False, having read nothing, for any other markup: the general steps read it.
   */
  private plainTag(at: number): boolean {
    const text = this.source;
    const stack = this.#stack;
    const depth = stack.length;
    if (depth === 0 || this.#hasNamespaces) return false;
    let code = text.charCodeAt(at + 1);
    if (code === 47) {
      const open = stack[depth - 1];
      const openTag = this.#document.tag(open);
      const nameEnd = at + 2 + openTag.length;
      // A tag in the `xml` namespace (`{uri}local`) is written differently in the source.
      if (text.charCodeAt(nameEnd) !== 62 || openTag.charCodeAt(0) === 123 || !text.startsWith(openTag, at + 2)) return false;
      this.#index = nameEnd + 1;
      this.closeElement(open);
      return true;
    }
    if (!((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95) || depth > MAX_NESTING_DEPTH) return false;
    let end = at + 2;
    for (code = text.charCodeAt(end); isAsciiNameChar(code); code = text.charCodeAt(end)) end += 1;
    const isEmpty = code === 47;
    if (isEmpty ? text.charCodeAt(end + 1) !== 62 : code !== 62) return false;
    const last = this.#lastName;
    const name = last.length === end - at - 1 && text.startsWith(last, at + 1) ? last : (this.#lastName = text.slice(at + 1, end));
    this.#index = isEmpty ? end + 2 : end + 1;
    const element = this.#document.add(name, undefined);
    stack.push(element);
    this.#textElement = element;
    this.#textIsTail = false;
    if (isEmpty) this.closeElement(element);
    return true;
  }

  private fail(problem: string, index = this.#index): never {
    throw new XmlSyntaxError(problem, index);
  }

  /** Text between markup: references resolved, line breaks normalised, `]]>` and bad characters refused. */
  private characterData(start: number, end: number): void {
    this.checkChars(start, end);
    if (this.#nextCdataEnd < start) this.#nextCdataEnd = this.nextFrom(']]>', start);
    if (this.#nextCdataEnd + 3 <= end) this.fail('not well-formed (invalid token)', this.#nextCdataEnd + 2);
    if (this.#stack.length === 0) {
      // Outside the document element only whitespace may appear.
      for (let index = start; index < end; index += 1) {
        if (!isXmlSpace(this.source[index])) this.fail(this.#document.size === 0 ? 'syntax error' : 'junk after document element', index);
      }
      return;
    }
    if (this.#nextAmpersand < start) this.#nextAmpersand = this.nextFrom('&', start);
    const hasReference = this.#nextAmpersand < end;
    if (this.#stack.length === 1 && !this.keepRootText) {
      if (hasReference) this.resolveReferences(this.source.slice(start, end), start, false, false);
      return;
    }
    // Plain text (the common case) is kept as a span of the source, not copied.
    const resolved = hasReference || this.#hasCarriageReturn ? this.resolveReferences(this.source.slice(start, end), start, false) : undefined;
    this.appendText(start, end, resolved);
  }

  /** Where `search` next occurs at or after `start`; the text's length when it does not. */
  private nextFrom(search: string, start: number): number {
    const found = this.source.indexOf(search, start);
    return found === -1 ? this.source.length : found;
  }

  private appendText(start: number, end: number, resolved: string | undefined): void {
    if (resolved === '' || this.#textElement === -1) return;
    this.#document.appendText(this.#textElement, this.#textIsTail, start, end, resolved);
  }

  /** Entity and character references replaced; `\r\n`/`\r` → `\n`, and in attributes whitespace → space. */
  private resolveReferences(raw: string, offset: number, inAttribute: boolean, build = true): string {
    let value = raw;
    if (build && value.includes('\r'))
      value = inAttribute ? value.replaceAll('\r\n', ' ').replaceAll('\r', ' ') : value.split('\r\n').join('\n').split('\r').join('\n');
    if (build && inAttribute && /[\t\n]/.test(value)) value = value.replace(/[\t\n]/g, ' ');
    if (!value.includes('&')) return value;
    // Pieces joined in batches: 200,000 references cost neither a chain of 200,000 concatenations
    // nor an array of 200,000 pieces grown copy by copy.
    let parts: string[] = [];
    let joined = '';
    const add = (piece: string): void => {
      parts.push(piece);
      if (parts.length === PIECES_PER_BATCH) {
        joined += parts.join('');
        parts = [];
      }
    };
    let from = 0;
    for (let amp = value.indexOf('&'); amp !== -1; amp = value.indexOf('&', from)) {
      if (build && amp > from) add(value.slice(from, amp));
      const quick = predefinedAt(value, amp + 1);
      if (quick !== undefined) {
        if (build) add(quick);
        from = amp + (quick === '&' ? 5 : quick === '<' || quick === '>' ? 4 : 6);
        continue;
      }
      const semicolon = value.indexOf(';', amp);
      const name = semicolon === -1 ? '' : value.slice(amp + 1, semicolon);
      if (semicolon === -1 || name === '' || /[\s&<]/.test(name)) this.fail('not well-formed (invalid token)', offset + amp + 1);
      const predefined = PREDEFINED.get(name);
      const reference = predefined === undefined ? CHAR_REFERENCE.exec(name) : null;
      if (predefined !== undefined) {
        if (build) add(predefined);
      } else if (reference !== null) {
        const code = reference[1] !== undefined ? parseInt(reference[1], 16) : parseInt(reference[2], 10);
        if (!isXmlChar(code)) this.fail('reference to invalid character number', offset + amp);
        if (build) add(String.fromCodePoint(code));
      } else {
        NAME.lastIndex = 0;
        const match = NAME.exec(name);
        this.fail(match !== null && match[0] === name ? 'undefined entity' : 'not well-formed (invalid token)', offset + amp);
      }
      from = semicolon + 1;
    }
    if (!build) return '';
    if (from < value.length) add(value.slice(from));
    return joined + parts.join('');
  }

  private markup(): void {
    const text = this.source;
    const next = text.charCodeAt(this.#index + 1);
    if (next === 47) return this.endTag();
    if (next === 63) return this.processingInstruction();
    if (next === 33) {
      if (text.startsWith('<!--', this.#index)) return this.comment();
      if (text.startsWith('<![CDATA[', this.#index)) return this.cdata();
      this.fail(this.#document.size === 0 || this.#stack.length > 0 ? 'syntax error' : 'junk after document element');
    }
    return this.startTag();
  }

  private readName(): string {
    const text = this.source;
    const start = this.#index;
    let end = start;
    const first = text.charCodeAt(end);
    if ((first >= 97 && first <= 122) || (first >= 65 && first <= 90) || first === 95) {
      end += 1;
      for (let code = text.charCodeAt(end); isAsciiNameChar(code); code = text.charCodeAt(end)) end += 1;
      const after = text.charCodeAt(end);
      // Plain ASCII names (the common case) skip the Unicode pattern.
      if (after !== 58 && !(after > 127)) {
        this.#index = end;
        const last = this.#lastName;
        if (last.length === end - start && text.startsWith(last, start)) return last;
        this.#lastName = text.slice(start, end);
        return this.#lastName;
      }
    }
    NAME.lastIndex = this.#index;
    const match = NAME.exec(this.source);
    if (match === null) this.fail('not well-formed (invalid token)');
    this.#index += match[0].length;
    return match[0];
  }

  private skipSpace(): boolean {
    const start = this.#index;
    for (let code = this.source.charCodeAt(this.#index); code === 32 || code === 9 || code === 10 || code === 13; code = this.source.charCodeAt(this.#index))
      this.#index += 1;
    return this.#index > start;
  }

  private startTag(): void {
    const tagStart = this.#index;
    if (this.#document.size > 0 && this.#stack.length === 0) this.fail('junk after document element');
    this.#index += 1;
    const qname = this.readName();
    let rawAttributes: [string, string, number][] | undefined;
    // A Set, so a tag of 100,000 attributes is checked for duplicates in linear time.
    let attributeNames: Set<string> | undefined;
    for (;;) {
      const spaced = this.skipSpace();
      const code = this.source.charCodeAt(this.#index);
      if (code === 62 || code === 47) break;
      // Read in a root, the text's end meets `</root>`: its `<` is no attribute name.
      if (this.#index >= this.source.length)
        this.fail(this.#inRoot ? 'not well-formed (invalid token)' : 'unclosed token', this.#inRoot ? this.#index : tagStart);
      if (!spaced) this.fail('not well-formed (invalid token)');
      const nameAt = this.#index;
      const name = this.readName();
      this.skipSpace();
      if (this.source[this.#index] !== '=') this.fail('not well-formed (invalid token)');
      this.#index += 1;
      this.skipSpace();
      const quote = this.source[this.#index];
      if (quote !== '"' && quote !== "'") this.fail('not well-formed (invalid token)');
      const close = this.source.indexOf(quote, this.#index + 1);
      if (close === -1) this.fail('unclosed token', tagStart);
      const raw = this.source.slice(this.#index + 1, close);
      const lt = raw.indexOf('<');
      if (lt !== -1) this.fail('not well-formed (invalid token)', this.#index + 1 + lt);
      this.checkChars(this.#index + 1, close);
      rawAttributes ??= [];
      attributeNames ??= new Set();
      if (attributeNames.has(name)) this.fail('duplicate attribute', nameAt);
      attributeNames.add(name);
      rawAttributes.push([name, this.resolveReferences(raw, this.#index + 1, true), nameAt]);
      this.#index = close + 1;
    }
    const selfClosing = this.source.charCodeAt(this.#index) === 47;
    if (selfClosing) {
      if (this.source.charCodeAt(this.#index + 1) !== 62) this.fail('not well-formed (invalid token)');
      this.#index += 2;
    } else {
      this.#index += 1;
    }
    if (this.#stack.length > MAX_NESTING_DEPTH) throw new XmlSyntaxError(`elements nest more than ${MAX_NESTING_DEPTH} levels deep`, tagStart, true);
    const element = this.openElement(qname, rawAttributes, tagStart);
    if (selfClosing) this.closeElement(element);
  }

  private openElement(qname: string, rawAttributes: readonly [string, string, number][] | undefined, at: number): number {
    const element = this.#document.size;
    if (rawAttributes !== undefined) this.declareNamespaces(element, rawAttributes);
    // On the stack first: the element's own declarations apply to its name.
    this.#stack.push(element);
    const tag = this.expandName(qname, true, at);
    this.#document.add(tag, rawAttributes === undefined ? undefined : this.expandAttributes(rawAttributes));
    this.#textElement = element;
    this.#textIsTail = false;
    return element;
  }

  private declareNamespaces(element: number, rawAttributes: readonly [string, string, number][]): void {
    for (const [name, value, nameAt] of rawAttributes) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        const prefix = name === 'xmlns' ? '' : name.slice(6);
        if (prefix !== '' && value === '') this.fail('must not undeclare prefix', nameAt);
        let bindings = this.#bindings.get(element);
        if (bindings === undefined) this.#bindings.set(element, (bindings = new Map()));
        bindings.set(prefix, value);
        this.#hasNamespaces = true;
      }
    }
  }

  private expandAttributes(rawAttributes: readonly [string, string, number][]): Map<string, string> {
    const attributes = new Map<string, string>();
    for (const [name, value, nameAt] of rawAttributes) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      const expanded = this.expandName(name, false, nameAt);
      if (attributes.has(expanded)) this.fail('duplicate attribute', nameAt);
      attributes.set(expanded, value);
    }
    return attributes;
  }

  /** `prefix:local` → `{uri}local`; unprefixed elements take the default namespace, unprefixed attributes none. */
  private expandName(qname: string, isElement: boolean, at: number): string {
    const colon = qname.indexOf(':');
    if (colon === -1 && !this.#hasNamespaces) return qname;
    const prefix = colon === -1 ? '' : qname.slice(0, colon);
    const local = colon === -1 ? qname : qname.slice(colon + 1);
    if (prefix === '' && !isElement) return local;
    if (prefix === 'xml') return `{${XML_NAMESPACE}}${local}`;
    const uri = this.lookupNamespace(prefix);
    if (uri === undefined) {
      if (prefix === '') return local;
      this.fail('unbound prefix', at);
    }
    return uri === '' ? local : `{${uri}}${local}`;
  }

  private lookupNamespace(prefix: string): string | undefined {
    for (let index = this.#stack.length - 1; index >= 0; index -= 1) {
      const uri = this.#bindings.get(this.#stack[index])?.get(prefix);
      if (uri !== undefined) return uri;
    }
    return undefined;
  }

  private closeElement(element: number): void {
    this.#stack.pop();
    this.#document.close(element);
    this.#textElement = element;
    this.#textIsTail = true;
  }

  private endTag(): void {
    const tagStart = this.#index;
    const open = this.#stack[this.#stack.length - 1];
    // The common case, `</tag>` closing the open element with no namespaces in play: nothing to copy.
    const openTag = open === undefined ? '' : this.#document.tag(open);
    if (open !== undefined && !this.#hasNamespaces && openTag.charCodeAt(0) !== 123) {
      const nameEnd = tagStart + 2 + openTag.length;
      if (this.source.charCodeAt(nameEnd) === 62 && this.source.startsWith(openTag, tagStart + 2)) {
        this.#index = nameEnd + 1;
        this.closeElement(open);
        return;
      }
    }
    this.#index += 2;
    const qname = this.readName();
    this.skipSpace();
    if (this.source[this.#index] !== '>')
      this.fail(this.#index >= this.source.length && !this.#inRoot ? 'unclosed token' : 'not well-formed (invalid token)', tagStart);
    this.#index += 1;
    if (open === undefined) this.fail('junk after document element', tagStart);
    if (this.expandName(qname, true, tagStart) !== openTag) this.fail('mismatched tag', tagStart + 2);
    this.closeElement(open);
  }

  private comment(): void {
    const start = this.#index;
    const close = this.source.indexOf('--', start + 4);
    if (close === -1) this.fail('unclosed token', start);
    // `--` may only end a comment.
    if (this.source[close + 2] !== '>') this.fail('not well-formed (invalid token)', close);
    this.checkChars(start + 4, close);
    this.#index = close + 3;
  }

  private cdata(): void {
    const start = this.#index + 9;
    const close = this.source.indexOf(']]>', start);
    if (close === -1) this.fail('unclosed CDATA section', this.#index);
    if (this.#stack.length === 0) this.fail('syntax error');
    this.checkChars(start, close);
    const raw = this.source.slice(start, close);
    this.appendText(start, close, raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw);
    this.#index = close + 3;
  }

  private processingInstruction(): void {
    const start = this.#index;
    this.#index += 2;
    const target = this.readName();
    if (target.toLowerCase() === 'xml')
      this.fail(target === 'xml' ? 'XML or text declaration not at start of entity' : 'not well-formed (invalid token)', start);
    const close = this.source.indexOf('?>', this.#index);
    if (close === -1) this.fail('unclosed token', start);
    if (close > this.#index && !WHITESPACE.test(this.source[this.#index])) this.fail('not well-formed (invalid token)');
    this.checkChars(this.#index, close);
    this.#index = close + 2;
  }

  private checkChars(start: number, end: number): void {
    if (!this.#mayHaveInvalidChars) return;
    const bad = INVALID_CHAR.exec(this.source.slice(start, end));
    if (bad !== null) this.fail('not well-formed (invalid token)', start + bad.index);
  }
}

/**
 * Parses `text` as one XML document (ElementTree's `fromstring`); with `rootTag`, as the document
 * `<rootTag>text</rootTag>`, errors and their indices as for that wrapped text.
 * @throws {XmlSyntaxError} where expat would report the text not well-formed; `tooDeep` past the nesting limit.
 */
export function parseXml(text: string, options: { keepRootText?: boolean; rootTag?: string; pool?: XmlBlockPool } = {}): XmlDocument {
  const { rootTag } = options;
  const reader = new XmlReader(text, options.keepRootText ?? true, options.pool);
  try {
    // With a root tag, the text read as if wrapped in `<rootTag>…</rootTag>`, without copying it into a wrapped string.
    return rootTag === undefined ? reader.read() : reader.readInRoot(rootTag);
  } catch (error) {
    // A failed read's storage goes back to the pool too.
    reader.release();
    if (rootTag === undefined || !(error instanceof XmlSyntaxError)) throw error;
    throw new XmlSyntaxError(error.problem, error.index + rootTag.length + 2, error.tooDeep);
  }
}

/** Line and column (1-based line, 0-based column, as expat reports them) of an index. */
export function xmlPosition(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) {
    line += 1;
    lineStart = at + 1;
  }
  return { line, column: index - lineStart };
}
