/**
 * Python's `str.splitlines()`, `str.strip()` and `textwrap.dedent`, which DSPy's adapters apply to
 * prompts and replies. JavaScript's `split`/`trim` differ at the edges (line breaks such as `\x1c`
 * or `\u2028`, and `\uFEFF`), and prompts must match DSPy character for character.
 */

const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
const PYTHON_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const LEADING_SPACE = new RegExp(`^${PYTHON_SPACE}+`);
const TRAILING_SPACE = new RegExp(`${PYTHON_SPACE}+$`);
const WHITESPACE_ONLY_LINE = /^[ \t]+$/gm;
const INDENT = /^[ \t]*/;

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

/** Python's `str.strip()` with no arguments. */
export function pythonStrip(text: string): string {
  if (text.length === 0) return text;
  // Fast path: most prompt text starts and ends with a visible ASCII character.
  if (isAsciiNonSpace(text.charCodeAt(0)) && isAsciiNonSpace(text.charCodeAt(text.length - 1))) return text;
  return text.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
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
