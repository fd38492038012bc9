/**
 * The common case of a JSON reply, `{"answer": 4, "note": "…"}`, read in one tight pass. The
 * lenient reader spends about 300 ns per small object on repairs (contexts, look-aheads, quote
 * heuristics) that a well-formed object never needs: a reply of 70,000 such objects took 30 ms.
 * An object of plain scalar members in strict JSON reads the same either way (the spec compares
 * both readings on generated replies), so the lenient reader hands such objects to this one.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;
/** Curly quotes are string delimiters to the lenient reader, so a text holding one is left to it. */
const LEFT_QUOTE = 0x201c;
const RIGHT_QUOTE = 0x201d;
/** Numbers up to this many digits convert exactly (and well below Python's 4,300-digit limit). */
const MAX_NUMBER_DIGITS = 15;

/** A strict flat object read at a `{`: the object and the position after its `}`. */
export interface StrictFlatObject {
  readonly object: Record<string, unknown>;
  readonly end: number;
}

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function skipJsonSpace(text: string, from: number): number {
  let position = from;
  while (position < text.length && isJsonSpace(text.charCodeAt(position))) position += 1;
  return position;
}

/** After the opening quote: the position after the closing one, or -1 for an escape, a control or curly quote, or no end. */
function plainStringEnd(text: string, from: number): number {
  for (let position = from; position < text.length; position += 1) {
    const code = text.charCodeAt(position);
    if (code === QUOTE) return position + 1;
    if (code === BACKSLASH || code < 0x20 || code === LEFT_QUOTE || code === RIGHT_QUOTE) return -1;
  }
  return -1;
}

/** `-?(0|[1-9][0-9]*)(\.[0-9]+)?` of at most MAX_NUMBER_DIGITS digits: the position after it, or -1. */
function plainNumberEnd(text: string, from: number): number {
  let position = text.charCodeAt(from) === 0x2d ? from + 1 : from;
  const integerStart = position;
  while (position < text.length && isDigit(text.charCodeAt(position))) position += 1;
  const integerDigits = position - integerStart;
  if (integerDigits === 0 || (integerDigits > 1 && text.charCodeAt(integerStart) === 0x30)) return -1;
  let digits = integerDigits;
  if (text.charCodeAt(position) === 0x2e) {
    const fractionStart = position + 1;
    position = fractionStart;
    while (position < text.length && isDigit(text.charCodeAt(position))) position += 1;
    if (position === fractionStart) return -1;
    digits += position - fractionStart;
  }
  return digits > MAX_NUMBER_DIGITS ? -1 : position;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function wordEnd(text: string, from: number, word: string): number {
  return text.startsWith(word, from) ? from + word.length : -1;
}

/** A string, a plain number, `true`, `false` or `null` at `from`: the position after it, or -1. */
function scalarEnd(text: string, from: number): number {
  const code = text.charCodeAt(from);
  if (code === QUOTE) return plainStringEnd(text, from + 1);
  if (code === 0x74) return wordEnd(text, from, 'true');
  if (code === 0x66) return wordEnd(text, from, 'false');
  if (code === 0x6e) return wordEnd(text, from, 'null');
  return plainNumberEnd(text, from);
}

/** The scalar whose text runs from `from` to `end` (as `scalarEnd` found it). */
function scalarValue(text: string, from: number, end: number): unknown {
  const code = text.charCodeAt(from);
  if (code === QUOTE) return text.slice(from + 1, end - 1);
  if (code === 0x74) return true;
  if (code === 0x66) return false;
  if (code === 0x6e) return null;
  return Number(text.slice(from, end));
}

/**
 * The object at `start` (a `{`) when it is strict JSON with at least one member, every key and
 * value a plain string (no escapes), number, boolean or null, and no key repeated; else
 * undefined, and the lenient reader reads it. One pass over the object's text.
 */
export function readStrictFlatObject(text: string, start: number): StrictFlatObject | undefined {
  const object: Record<string, unknown> = {};
  let position = start + 1;
  for (;;) {
    const keyStart = skipJsonSpace(text, position);
    if (text.charCodeAt(keyStart) !== QUOTE) return undefined;
    const keyEnd = plainStringEnd(text, keyStart + 1);
    if (keyEnd === -1) return undefined;
    position = skipJsonSpace(text, keyEnd);
    if (text.charCodeAt(position) !== COLON) return undefined;
    const valueStart = skipJsonSpace(text, position + 1);
    const valueEnd = scalarEnd(text, valueStart);
    if (valueEnd === -1) return undefined;
    const key = text.slice(keyStart + 1, keyEnd - 1);
    // A repeated key means something to the lenient reader inside a list (a new object starts).
    if (Object.hasOwn(object, key)) return undefined;
    const value = scalarValue(text, valueStart, valueEnd);
    // defineProperty keeps a "__proto__" key an own property, as JSON.parse does.
    if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
    else object[key] = value;
    position = skipJsonSpace(text, valueEnd);
    const code = text.charCodeAt(position);
    if (code === CLOSE_BRACE) return { object, end: position + 1 };
    if (code !== COMMA) return undefined;
    position += 1;
  }
}
