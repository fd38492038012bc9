import { pythonCapitalize, pythonIsUpper } from '../util/python-case';

const DECIMAL_DIGIT = /\p{Nd}/u;

const isAsciiUpper = (code: number): boolean => code >= 65 && code <= 90;
const isAsciiLower = (code: number): boolean => code >= 97 && code <= 122;
const isAsciiDigit = (code: number): boolean => code >= 48 && code <= 57;
const isAsciiLetter = (code: number): boolean => isAsciiUpper(code) || isAsciiLower(code);
// Python's `\d` is any Unicode decimal digit (category Nd).
const isDecimal = (code: number): boolean => isAsciiDigit(code) || (code > 127 && DECIMAL_DIGIT.test(String.fromCodePoint(code)));

/**
 * True when DSPy's substitutions put a `_` between `previous` and `current` (`next` follows):
 * `(.)([A-Z][a-z]+)`, `([a-z0-9])([A-Z])`, `([a-zA-Z])(\d)`, `(\d)([a-zA-Z])`. Each rule only
 * inserts `_`, which none of them matches, so running them one after another splits exactly
 * where any of them matches the original name; the non-overlapping matches of the first rule
 * miss only a capital after a lowercase run, which the second rule splits too.
 */
function splitsBefore(previous: number, current: number, name: string, nextIndex: number): boolean {
  if (isAsciiUpper(current)) {
    if (isAsciiLower(previous)) return true;
    if (previous !== 10 && nextIndex < name.length && isAsciiLower(name.charCodeAt(nextIndex))) return true;
  }
  if (isAsciiLetter(current)) return isDecimal(previous);
  return isAsciiLetter(previous) && isDecimal(current);
}

// What a word holds, gathered while it is scanned: an ASCII word is cased without another pass over it.
const NON_ASCII = 1;
const UPPER = 2;
const LOWER = 4;
const UPPER_AFTER_FIRST = 8;

/** Lowercase ASCII letters, which never split after a letter: a long run is skipped in one native step. */
const LOWER_RUN = /[a-z]*/y;

/** A word as DSPy writes it in a prefix: kept when all capitals (an acronym), else capitalised. */
function prefixWord(word: string, cases: number): string {
  if ((cases & NON_ASCII) !== 0) return pythonIsUpper(word) ? word : pythonCapitalize(word);
  // ASCII: `isupper` is a capital and no lowercase letter; `capitalize` changes the rest only if it has a capital.
  if ((cases & UPPER) !== 0 && (cases & LOWER) === 0) return word;
  if ((cases & UPPER_AFTER_FIRST) !== 0) return pythonCapitalize(word);
  const first = word.charCodeAt(0);
  return first >= 97 && first <= 122 ? String.fromCharCode(first - 32) + word.slice(1) : word;
}

/**
 * DSPy's default field prefix without the colon (`infer_prefix` in dspy/signatures/signature.py):
 * `reasoning_steps` → `Reasoning Steps`, `htmlText` → `Html Text`, `HTMLParser` → `HTML Parser`,
 * with Python's Unicode rules (`isupper`, `capitalize`, `\d`). One pass over the name.
 */
export function inferPrefix(name: string): string {
  const words: string[] = [];
  let start = 0;
  let cases = 0;
  let previous = -1;
  for (let index = 0; index < name.length;) {
    let current = name.charCodeAt(index);
    if (current >= 97 && current <= 122 && isAsciiLetter(previous)) {
      LOWER_RUN.lastIndex = index;
      LOWER_RUN.test(name);
      index = LOWER_RUN.lastIndex;
      previous = name.charCodeAt(index - 1);
      cases |= LOWER;
      continue;
    }
    let width = 1;
    if (current >= 0xd800 && current <= 0xdbff) {
      current = name.codePointAt(index)!;
      width = current > 0xffff ? 2 : 1;
    }
    if (current === 0x5f) {
      words.push(prefixWord(name.slice(start, index), cases));
      start = index + 1;
      cases = 0;
    } else {
      if (index > 0 && splitsBefore(previous, current, name, index + width)) {
        words.push(prefixWord(name.slice(start, index), cases));
        start = index;
        cases = 0;
      }
      if (current > 127) cases |= NON_ASCII;
      else if (isAsciiUpper(current)) cases |= index > start ? UPPER | UPPER_AFTER_FIRST : UPPER;
      else if (isAsciiLower(current)) cases |= LOWER;
    }
    previous = current;
    index += width;
  }
  words.push(prefixWord(name.slice(start), cases));
  return words.join(' ');
}
