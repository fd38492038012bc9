import { SignatureError, describeProblem } from '../errors';
import { MAX_NESTING_DEPTH } from '../util/nesting-depth';
import { Field, type FieldKind } from './field';
import { parseFieldType } from './field-types';
import { isSignatureSpace, typeError } from './type-lexer';

// Python's identifiers (PEP 3131): checked as written, then NFKC-normalised (`ﬁle` names the field `file`).
const IDENTIFIER = /^[\p{XID_Start}_]\p{XID_Continue}*$/u;
const ASCII_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `name` is a Python identifier as written (before NFKC normalisation). */
export function isIdentifier(name: string): boolean {
  return ASCII_IDENTIFIER.test(name) || IDENTIFIER.test(name);
}

/** One comma-separated piece of a side: `name`, `name: TYPE` or either with `= DEFAULT`, as indexes into the whole text (-1: absent). */
interface Piece {
  readonly start: number;
  readonly end: number;
  readonly colon: number;
  readonly equals: number;
}

const CLOSER: Record<number, number> = { 0x5b: 0x5d, 0x28: 0x29, 0x7b: 0x7d };

// What splitSide does at each ASCII character: one table read per character, not a chain of comparisons.
const OTHER = 0;
const OPENER = 1;
const CLOSING = 2;
const QUOTE = 3;
const SEPARATOR = 4;
const SPLIT_CLASS = new Uint8Array(128);
for (const code of [0x5b, 0x28, 0x7b]) SPLIT_CLASS[code] = OPENER;
for (const code of [0x5d, 0x29, 0x7d]) SPLIT_CLASS[code] = CLOSING;
for (const code of [0x27, 0x22]) SPLIT_CLASS[code] = QUOTE;
for (const code of [0x2c, 0x3a, 0x3d]) SPLIT_CLASS[code] = SEPARATOR;

/**
 * Splits `text[from, to)` at commas outside brackets and quotes, noting each piece's first
 * top-level `:` and `=`. One pass; brackets must balance (the default value after `=` is not
 * parsed, but like DSPy's Python parser this refuses `(]`, unclosed brackets and quotes).
 */
function splitSide(text: string, from: number, to: number): Piece[] {
  const pieces: Piece[] = [];
  const open: number[] = [];
  let quote = 0;
  let quoteStart = 0;
  let start = from;
  let colon = -1;
  let equals = -1;
  for (let index = from; index < to; index += 1) {
    const code = text.charCodeAt(index);
    if (quote !== 0) {
      if (code === 0x5c) index += 1;
      else if (code === quote) quote = 0;
      continue;
    }
    const kind = code < 128 ? SPLIT_CLASS[code] : OTHER;
    if (kind === OTHER) continue;
    if (kind === QUOTE) {
      quote = code;
      quoteStart = index;
    } else if (kind === OPENER) {
      if (open.push(index) > MAX_NESTING_DEPTH) {
        throw typeError(`Brackets nested more than ${MAX_NESTING_DEPTH} levels deep`, text, index, 'Flatten the type; DSPy types never nest this deep.');
      }
    } else if (kind === CLOSING) {
      if (open.length === 0 || CLOSER[text.charCodeAt(open[open.length - 1])] !== code) {
        throw typeError(`Unmatched "${text[index]}"`, text, index, 'Balance the brackets.');
      }
      open.pop();
    } else if (open.length === 0) {
      if (code === 0x2c) {
        pieces.push({ start, end: index, colon, equals });
        start = index + 1;
        colon = -1;
        equals = -1;
      } else if (code === 0x3a && colon === -1 && equals === -1) {
        colon = index;
      } else if (code === 0x3d && equals === -1) {
        equals = index;
      }
    }
  }
  if (quote !== 0) throw typeError('Unterminated string literal', text, quoteStart, `Close the quote ${String.fromCharCode(quote)}.`);
  if (open.length > 0) throw typeError(`Unclosed "${text[open[0]]}"`, text, open[0], 'Close the bracket.');
  pieces.push({ start, end: to, colon, equals });
  return pieces;
}

/** `text[from, to)` without the whitespace Python's tokenizer skips, as [start, end). */
function trimmedSpan(text: string, from: number, to: number): [number, number] {
  let start = from;
  let end = to;
  while (start < end && isSignatureSpace(text.charCodeAt(start))) start += 1;
  while (end > start && isSignatureSpace(text.charCodeAt(end - 1))) end -= 1;
  return [start, end];
}

function parseSide(text: string, from: number, to: number, kind: FieldKind, positions: Map<string, number>): Field[] {
  const [sideStart, sideEnd] = trimmedSpan(text, from, to);
  if (sideStart === sideEnd) return [];
  const fields: Field[] = [];
  const seen = new Set<string>();
  let defaulted = false;
  for (const piece of splitSide(text, from, to)) {
    const headEnd = piece.equals === -1 ? piece.end : piece.equals;
    const [nameStart, nameEnd] = trimmedSpan(text, piece.start, piece.colon === -1 ? headEnd : piece.colon);
    if (nameStart === nameEnd) {
      if (piece.colon === -1 && piece.equals === -1)
        throw typeError(`Empty field name in the ${kind}s`, text, piece.start, 'Remove the extra comma or add a field name.');
      throw typeError(`Empty field name in the ${kind}s`, text, nameStart, 'Write a name before the colon, e.g. "answer: int".');
    }
    const written = text.slice(nameStart, nameEnd);
    const ascii = ASCII_IDENTIFIER.test(written);
    if (!ascii && !IDENTIFIER.test(written)) {
      throw typeError(
        `Invalid field name ${JSON.stringify(written)}`,
        text,
        nameStart,
        'Field names are identifiers (letters, digits, _), separated by commas.',
      );
    }
    const name = ascii ? written : written.normalize('NFKC');
    if (seen.has(name)) throw typeError(`Duplicate ${kind} field "${name}"`, text, nameStart, 'Give each field a distinct name.');
    seen.add(name);
    positions.set(name, nameStart);
    // A default (`x: int = 3`, `tags: list[str] = []`) is accepted and ignored, as DSPy does; it must not be empty.
    if (piece.equals !== -1) {
      const [defaultStart, defaultEnd] = trimmedSpan(text, piece.equals + 1, piece.end);
      if (defaultStart === defaultEnd)
        throw typeError(`Missing default value for "${name}"`, text, piece.equals, 'Write a value after "=", or remove the "=".');
      defaulted = true;
    } else if (defaulted) {
      // Python: "non-default argument follows default argument".
      throw typeError(
        `Field "${name}" has no default but follows one that has`,
        text,
        nameStart,
        'Remove the defaults (DSPy ignores them), or give this field one too.',
      );
    }
    if (piece.colon === -1) {
      fields.push(new Field({ name, kind }));
      continue;
    }
    const type = parseFieldType(text.slice(piece.colon + 1, headEnd), text, piece.colon + 1);
    fields.push(new Field({ name, kind, type, isTypeUndefined: false }));
  }
  return fields;
}

/**
 * Parses DSPy's signature grammar, `inputs -> outputs`, each side `name` or `name: TYPE`
 * separated by commas, as Python parses function parameters: Unicode identifiers (NFKC),
 * defaults accepted and ignored. Returns the fields, inputs first.
 * @throws {SignatureError} SIGNATURE_INVALID with `position` for malformed text.
 */
export function parseSignatureText(text: string): Field[] {
  if (typeof text !== 'string') {
    throw new SignatureError(
      describeProblem('A signature must be a string like "question -> answer".', typeof text, 'Pass signature text, a Signature, or a Signature subclass.'),
    );
  }
  const arrow = text.indexOf('->');
  if (arrow === -1) throw typeError('Missing "->" between inputs and outputs', text, text.length, 'Write "inputs -> outputs", e.g. "question -> answer".');
  const second = text.indexOf('->', arrow + 2);
  if (second !== -1) throw typeError('More than one "->"', text, second, 'A signature has exactly one "->".');
  const inputPositions = new Map<string, number>();
  const outputPositions = new Map<string, number>();
  const inputs = parseSide(text, 0, arrow, 'input', inputPositions);
  const outputs = parseSide(text, arrow + 2, text.length, 'output', outputPositions);
  const clashes = inputs
    .filter((field) => outputPositions.has(field.name))
    .map((field) => field.name)
    .sort();
  if (clashes.length > 0) {
    throw typeError(
      `Input and output fields must have distinct names; found ${clashes.map((name) => `"${name}"`).join(', ')}`,
      text,
      outputPositions.get(clashes[0])!,
      'Rename the output field.',
    );
  }
  return [...inputs, ...outputs];
}
