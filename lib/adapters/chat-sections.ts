import { isLineBreak, isPythonSpace, normalizeLineBreaks, pythonStrip } from '../util/python-text';

/** One `[[ ## name ## ]]` section of a ChatAdapter reply: its field name and its text, read on demand. */
export interface ChatSection {
  readonly name: string;
  /** The section's text as DSPy reads it: the lines after the header (and after the marker on its line), joined and stripped. */
  content(): string;
}

const HEADER_START = '[[ ## ';
// DSPy's `field_header_pattern`; `\w` is Unicode-aware in Python. Sticky: tried where a header may start.
const FIELD_HEADER = /\[\[ ## ([\p{L}\p{N}_]+) ## \]\]/uy;

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
 * The sections of a reply, in order, as DSPy's `ChatAdapter.parse` splits it: a line whose stripped
 * text starts with `[[ ## name ## ]]` opens a section (text after the marker on that line is its
 * first line), running to the next such line. Text before the first header belongs to no section.
 * Finds headers with `indexOf` rather than splitting and stripping every line, so a reply of a
 * million short lines costs one pass.
 */
export function chatSections(text: string): ChatSection[] {
  const headers: { name: string; lineStart: number; rest: string; bodyStart: number }[] = [];
  let from = 0;
  for (let at = text.indexOf(HEADER_START, from); at !== -1; at = text.indexOf(HEADER_START, from)) {
    let lineStart = at;
    while (lineStart > 0 && isPythonSpace(text.charCodeAt(lineStart - 1)) && !isLineBreak(text.charCodeAt(lineStart - 1))) lineStart -= 1;
    FIELD_HEADER.lastIndex = at;
    const match = lineStart === 0 || isLineBreak(text.charCodeAt(lineStart - 1)) ? FIELD_HEADER.exec(text) : null;
    if (match === null) {
      from = at + 1;
      continue;
    }
    const end = lineEnd(text, FIELD_HEADER.lastIndex);
    headers.push({ name: match[1], lineStart, rest: pythonStrip(text.slice(FIELD_HEADER.lastIndex, end)), bodyStart: afterBreak(text, end) });
    from = end;
  }
  return headers.map((header, index) => {
    const bodyEnd = index + 1 < headers.length ? headers[index + 1].lineStart : text.length;
    return {
      name: header.name,
      content: () => {
        let body = header.bodyStart < bodyEnd ? normalizeLineBreaks(text.slice(header.bodyStart, bodyEnd)) : '';
        // `splitLines` drops the empty item after a final line break; joining the lines drops that break.
        if (body.endsWith('\n')) body = body.slice(0, -1);
        const hasBody = header.bodyStart < bodyEnd;
        return pythonStrip(header.rest === '' ? body : hasBody ? `${header.rest}\n${body}` : header.rest);
      },
    };
  });
}
