import { isLineBreak, isPythonSpace, normalizeLineBreaks, pythonStrip } from '../util/python-text';

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

/**
 * Finds the first header line at or after `from` and writes it into `header`: a line whose
 * stripped text starts with `[[ ## name ## ]]`. `indexOf` jumps between candidates, and each
 * character is looked at a bounded number of times, so the search is linear in the text.
 */
function findHeader(text: string, from: number, header: Header): boolean {
  for (let at = text.indexOf(HEADER_START, from); at !== -1; at = text.indexOf(HEADER_START, at + 1)) {
    let lineStart = at;
    while (lineStart > 0 && isPythonSpace(text.charCodeAt(lineStart - 1)) && !isLineBreak(text.charCodeAt(lineStart - 1))) lineStart -= 1;
    if (lineStart > 0 && !isLineBreak(text.charCodeAt(lineStart - 1))) continue;
    const nameStart = at + HEADER_START.length;
    FIELD_NAME.lastIndex = nameStart;
    if (!FIELD_NAME.test(text) || !text.startsWith(HEADER_END, FIELD_NAME.lastIndex)) continue;
    header.name = text.slice(nameStart, FIELD_NAME.lastIndex);
    header.lineStart = lineStart;
    header.restStart = FIELD_NAME.lastIndex + HEADER_END.length;
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
    this.#hasAhead = findHeader(text, 0, this.#ahead);
  }

  /** Moves to the next section; false when there is none. */
  next(): boolean {
    if (!this.#hasAhead) return false;
    [this.#current, this.#ahead] = [this.#ahead, this.#current];
    this.name = this.#current.name;
    // The section runs to the next header's line, so find it now.
    this.#hasAhead = findHeader(this.text, this.#current.restEnd, this.#ahead);
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
