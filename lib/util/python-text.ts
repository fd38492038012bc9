/**
 * Python's `str.splitlines()`, `str.strip()` and `textwrap.dedent`, which DSPy's adapters apply to
 * prompts and replies. JavaScript's `split`/`trim` differ at the edges (line breaks such as `\x1c`
 * or `\u2028`, and `\uFEFF`), and prompts must match DSPy character for character.
 */

const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
const LINE_BREAKS = new RegExp(LINE_BREAK.source, 'g');
const OTHER_LINE_BREAK = /[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
// Python's `^[ \t]+$` under re.MULTILINE: lines end at `\n` only (JavaScript's `m` flag also ends them at `\r`, U+2028, U+2029).
const WHITESPACE_ONLY_LINE = /(?<![^\n])[ \t]+(?![^\n])/g;
const INDENT = /^[ \t]*/;

/** True for a character `str.splitlines()` breaks at (`\r\n` is one break: check the `\r`). */
export function isLineBreak(code: number): boolean {
  return (
    code === 10 ||
    code === 13 ||
    code === 11 ||
    code === 12 ||
    code === 0x1c ||
    code === 0x1d ||
    code === 0x1e ||
    code === 0x85 ||
    code === 0x2028 ||
    code === 0x2029
  );
}

/** Every line break of `splitLines` replaced by `\n` (so `splitLines(text).join('\n')` is this, less one trailing `\n`). */
export function normalizeLineBreaks(text: string): string {
  return OTHER_LINE_BREAK.test(text) ? text.replace(LINE_BREAKS, '\n') : text;
}

/** Python's `str.splitlines()`: no empty last item for a trailing line break. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(LINE_BREAK);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function isAsciiNonSpace(code: number): boolean {
  return code > 32 && code < 127;
}

/** Python's `str.isspace()` for one UTF-16 code unit (every Python whitespace character is in the BMP). */
export function isPythonSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13) || (code >= 0x1c && code <= 0x1f);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** Python's `str.strip()` with no arguments. */
export function pythonStrip(text: string): string {
  if (text.length === 0) return text;
  // Fast path: most prompt text starts and ends with a visible ASCII character.
  if (isAsciiNonSpace(text.charCodeAt(0)) && isAsciiNonSpace(text.charCodeAt(text.length - 1))) return text;
  // Index scans, not an unanchored `\s+$` pattern: that one retries from every space of a long run (quadratic).
  let start = 0;
  let end = text.length;
  while (start < end && isPythonSpace(text.charCodeAt(start))) start += 1;
  while (end > start && isPythonSpace(text.charCodeAt(end - 1))) end -= 1;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Python's `textwrap.dedent`: whitespace-only lines emptied, then the common leading indentation removed. */
export function dedent(text: string): string {
  const normalized = text.replace(WHITESPACE_ONLY_LINE, '');
  let margin: string | undefined;
  for (const line of normalized.split('\n')) {
    if (line === '') continue;
    const indent = INDENT.exec(line)![0];
    if (margin === undefined) {
      margin = indent;
    } else {
      let common = 0;
      while (common < margin.length && common < indent.length && margin[common] === indent[common]) common += 1;
      margin = margin.slice(0, common);
    }
    if (margin === '') return normalized;
  }
  if (margin === undefined || margin === '') return normalized;
  const width = margin.length;
  return normalized
    .split('\n')
    .map((line) => (line === '' ? line : line.slice(width)))
    .join('\n');
}
