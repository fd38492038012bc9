import { isLineBreak, isPythonSpace, normalizeLineBreaks, pythonStrip } from '../util/python-text';
import { isAsciiWordCode } from '../util/ascii-word';

const HEADER_START = '[[ ## ';
const HEADER_END = ' ## ]]';
// DSPy's `field_header_pattern` is `\[\[ ## (\w+) ## \]\]`; `\w` is Unicode-aware in Python. Sticky: tried where a name starts.
const FIELD_NAME = /[\p{L}\p{N}_]+/uy;

/** Where a header line was found: the field name, where the line starts, the rest of the line after the marker, where the body starts. */
interface Header {
  name: string;
  lineStart: number;
  restStart: number;
  restEnd: number;
  bodyStart: number;
}

const emptyHeader = (): Header => ({ name: '', lineStart: 0, restStart: 0, restEnd: 0, bodyStart: 0 });

/** Where the line holding `index` ends (the index of its line break, or the text's length). */
function lineEnd(text: string, index: number): number {
  let end = index;
  while (end < text.length && !isLineBreak(text.charCodeAt(end))) end += 1;
  return end;
}

/** Just past the line break at `index` (`\r\n` counts as one). */
function afterBreak(text: string, index: number): number {
  if (index >= text.length) return index;
  return text.charCodeAt(index) === 13 && text.charCodeAt(index + 1) === 10 ? index + 2 : index + 1;
}

// `[[ ## ` and a character a field name may start with (a superset: the name is checked after).
// Seven characters or more: the engine then skips ahead by a table (Boyer-Moore), where `indexOf`
// of the six-character marker stops at every `[`, and took 6 ms over a reply of 1 MB of `[`.
const MARKER = /\[\[ ## [\w\u0080-\uffff]/g;

/**
 * Where the field name starting at `start` ends (`start` when there is none): ASCII letters,
 * digits and `_` are stepped over here, and the Unicode pattern takes over at any other character
 * from U+0080 on.
 */
function fieldNameEnd(text: string, start: number): number {
  let index = start;
  for (; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (isAsciiWordCode(code)) continue;
    if (code < 0x80) return index;
    FIELD_NAME.lastIndex = index;
    return FIELD_NAME.test(text) ? FIELD_NAME.lastIndex : index;
  }
  return index;
}

/**
 * The name between `start` and `end`: `previousName` itself when it is the same text, so a reply
 * repeating one header allocates no string per header (and the field lookup reuses its hash).
 */
function nameAt(text: string, start: number, end: number, previousName: string): string {
  if (end - start !== previousName.length) return text.slice(start, end);
  for (let offset = 0; offset < previousName.length; offset += 1) {
    if (text.charCodeAt(start + offset) !== previousName.charCodeAt(offset)) return text.slice(start, end);
  }
  return previousName;
}

/** True when `[[ ## ` and a possible name's first character stand at `index` (compared in place). */
function markerStandsAt(text: string, index: number): boolean {
  const nameCode = text.charCodeAt(index + 6);
  const nameStart = isAsciiWordCode(nameCode) || nameCode >= 0x80;
  return (
    nameStart &&
    text.charCodeAt(index) === 0x5b &&
    text.charCodeAt(index + 1) === 0x5b &&
    text.charCodeAt(index + 2) === 0x20 &&
    text.charCodeAt(index + 3) === 0x23 &&
    text.charCodeAt(index + 4) === 0x23 &&
    text.charCodeAt(index + 5) === 0x20
  );
}

/** Where the first `[[ ## ` followed by a possible name starts, at or after `from`; -1 when none. */
function markerAt(text: string, from: number): number {
  // A header on the next line is checked in place: a pattern call per header cost more than the
  // rest of its reading in a reply of a million headers. Only line breaks are stepped over.
  const code = text.charCodeAt(from);
  const next = code === 0x0a ? from + 1 : code === 0x0d ? (text.charCodeAt(from + 1) === 0x0a ? from + 2 : from + 1) : from;
  if (markerStandsAt(text, next)) return next;
  MARKER.lastIndex = next;
  // `test`, not `exec`: no match object per candidate. Every match is seven characters long.
  return MARKER.test(text) ? MARKER.lastIndex - 7 : -1;
}

/**
 * Finds the first header line at or after `from` and writes it into `header`: a line whose
 * stripped text starts with `[[ ## name ## ]]`. Searches jump between candidates, and each
 * character is looked at a bounded number of times, so the search is linear in the text.
 * `previousName` is the name of the header before, reused when this one repeats it.
 */
function findHeader(text: string, from: number, header: Header, previousName: string): boolean {
  // After a rejected candidate, `indexOf`: its call costs less than the pattern's (before the
  // reader is optimized, a reply of 66,000 unclosed markers took four times as long with the pattern).
  for (let at = markerAt(text, from); at !== -1; at = text.indexOf(HEADER_START, at + 1)) {
    let lineStart = at;
    while (lineStart > 0 && isPythonSpace(text.charCodeAt(lineStart - 1)) && !isLineBreak(text.charCodeAt(lineStart - 1))) lineStart -= 1;
    if (lineStart > 0 && !isLineBreak(text.charCodeAt(lineStart - 1))) continue;
    const nameStart = at + HEADER_START.length;
    const nameEnd = fieldNameEnd(text, nameStart);
    if (nameEnd === nameStart || !text.startsWith(HEADER_END, nameEnd)) continue;
    header.name = nameAt(text, nameStart, nameEnd, previousName);
    header.lineStart = lineStart;
    header.restStart = nameEnd + HEADER_END.length;
    header.restEnd = lineEnd(text, header.restStart);
    header.bodyStart = afterBreak(text, header.restEnd);
    return true;
  }
  return false;
}

/**
 * The `[[ ## name ## ]]` sections of a ChatAdapter reply, in order, as DSPy's
 * `ChatAdapter.parse` splits it: a line whose stripped text starts with the marker opens a
 * section (text after the marker on that line is its first line), running to the next such line.
 * Text before the first header belongs to no section. A cursor: `next()` moves to the following
 * section, `name` and `content()` describe the current one, and nothing is allocated per header
 * but its name, so a reply of a million headers costs one pass and no garbage.
 * @example
 * const sections = new ChatSections(reply);
 * while (sections.next()) if (sections.name === 'answer') return sections.content();
 */
export class ChatSections {
  /** The current section's field name (after `next()` returned true). */
  name = '';
  #current = emptyHeader();
  #ahead = emptyHeader();
  #hasAhead: boolean;
  #end = 0;

  constructor(private readonly text: string) {
    this.#hasAhead = findHeader(text, 0, this.#ahead, '');
  }

  /** Moves to the next section; false when there is none. */
  next(): boolean {
    if (!this.#hasAhead) return false;
    const current = this.#ahead;
    this.#ahead = this.#current;
    this.#current = current;
    this.name = current.name;
    // The section runs to the next header's line, so find it now.
    this.#hasAhead = findHeader(this.text, current.restEnd, this.#ahead, current.name);
    this.#end = this.#hasAhead ? this.#ahead.lineStart : this.text.length;
    return true;
  }

  /** The current section's text as DSPy reads it: the lines after the header (and after the marker on its line), joined and stripped. */
  content(): string {
    const { text } = this;
    const header = this.#current;
    const rest = pythonStrip(text.slice(header.restStart, header.restEnd));
    const hasBody = header.bodyStart < this.#end;
    let body = hasBody ? normalizeLineBreaks(text.slice(header.bodyStart, this.#end)) : '';
    // `splitlines` drops the empty item after a final line break; joining the lines drops that break.
    if (body.endsWith('\n')) body = body.slice(0, -1);
    return pythonStrip(rest === '' ? body : hasBody ? `${rest}\n${body}` : rest);
  }
}
