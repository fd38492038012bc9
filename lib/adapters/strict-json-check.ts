import { MAX_NESTING_DEPTH } from '../util/nesting-depth';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Characters strict JSON may hold outside strings: whitespace, structure, numbers and the letters of `true`/`false`/`null`. */
const JSON_OUTSIDE_STRINGS = new Uint8Array(128);
for (const char of ' \t\n\r{}[],:0123456789-+.eEtrufalsn') JSON_OUTSIDE_STRINGS[char.charCodeAt(0)] = 1;

/** JSON's whitespace: space, tab, line feed, carriage return. */
export function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * False when `JSON.parse` would reject the text, or accept it nested deeper than the limit (its
 * cost grows sharply with depth): a character strict JSON never holds outside strings, a value
 * right after a string or a closed bracket (`"a" "b"`), text after the top-level container closes,
 * a comma or colon outside every bracket, or too many open brackets. One scan counting brackets
 * outside strings; a hostile reply usually fails it within a few characters instead of a full pass.
 */
export function mayBeStrictJson(text: string): boolean {
  let depth = 0;
  let closed = false;
  // After a string or a closing bracket, JSON continues with `,`, `:`, `]` or `}` only.
  let separatorDue = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (isJsonSpace(code)) continue;
    if (closed) return false;
    if (separatorDue && code !== 0x2c && code !== 0x3a && code !== 0x5d && code !== 0x7d) return false;
    separatorDue = false;
    if (code === QUOTE) {
      // To the closing quote, stepping over escapes.
      for (index += 1; index < text.length; index += 1) {
        const inner = text.charCodeAt(index);
        if (inner === BACKSLASH) index += 1;
        else if (inner === QUOTE) break;
      }
      separatorDue = true;
    } else if (code === 0x5b || code === 0x7b) {
      depth += 1;
      if (depth > MAX_NESTING_DEPTH) return false;
    } else if (code === 0x5d || code === 0x7d) {
      if (depth === 0) return false;
      depth -= 1;
      closed = depth === 0;
      separatorDue = true;
    } else if (depth === 0 && (code === 0x2c || code === 0x3a)) {
      // Outside every bracket: a Python tuple (`1, 2`) or prose, which would otherwise be scanned to its end.
      return false;
    } else if (code >= 128 || JSON_OUTSIDE_STRINGS[code] === 0) {
      return false;
    }
  }
  return true;
}
