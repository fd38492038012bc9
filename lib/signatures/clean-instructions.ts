import { isPythonSpace } from '../util/python-text';

const TAB_SIZE = 8;

/** Python's `str.expandtabs()`: a tab advances to the next multiple-of-8 column; `\n` and `\r` start a new line. */
function expandTabs(text: string): string {
  if (!text.includes('\t')) return text;
  const parts: string[] = [];
  let column = 0;
  let chunk = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 9) {
      const width = TAB_SIZE - (column % TAB_SIZE);
      parts.push(text.slice(chunk, index), ' '.repeat(width));
      column += width;
      chunk = index + 1;
    } else if (code === 10 || code === 13) {
      column = 0;
    } else if (!(code >= 0xdc00 && code <= 0xdfff && index > 0 && text.charCodeAt(index - 1) >= 0xd800 && text.charCodeAt(index - 1) <= 0xdbff)) {
      // Columns count code points: the second half of a surrogate pair takes no column.
      column += 1;
    }
  }
  parts.push(text.slice(chunk));
  return parts.join('');
}

/** How many leading characters Python's `str.lstrip()` removes (all whitespace is in the BMP). */
function leadingSpace(line: string): number {
  let index = 0;
  while (index < line.length && isPythonSpace(line.charCodeAt(index))) index += 1;
  return index;
}

/**
 * Python's `inspect.cleandoc` (3.11), which DSPy applies whenever it reads a signature's
 * instructions: tabs expanded to 8-column stops, the first line left-stripped, the smallest
 * indentation of the other non-blank lines removed from each of them, and leading and trailing
 * empty lines dropped. Lines are split at `\n` only, so a `\r` stays at the end of its line, and
 * whitespace beyond the margin keeps a whitespace-only line (as in DSPy).
 */
export function cleanInstructions(text: string): string {
  const lines = expandTabs(text).split('\n');
  let margin = Infinity;
  for (let index = 1; index < lines.length; index += 1) {
    const indent = leadingSpace(lines[index]);
    if (indent < lines[index].length) margin = Math.min(margin, indent);
  }
  lines[0] = lines[0].slice(leadingSpace(lines[0]));
  if (margin !== Infinity) for (let index = 1; index < lines.length; index += 1) lines[index] = lines[index].slice(margin);
  let end = lines.length;
  while (end > 0 && lines[end - 1] === '') end -= 1;
  let start = 0;
  while (start < end && lines[start] === '') start += 1;
  return lines.slice(start, end).join('\n');
}
