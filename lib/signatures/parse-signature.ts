import { SignatureError, describeProblem } from '../errors';
import { quotedPreview } from '../util/quoted-preview';
import { Field, type FieldKind } from './field';
import { parseFieldType } from './field-types';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function signatureError(problem: string, text: string, position: number, fix: string): SignatureError {
  return new SignatureError(describeProblem(`${problem} at position ${position}.`, quotedPreview(text), fix), { position, details: { text } });
}

/** Splits `text` on commas outside brackets and quotes, keeping each piece's offset. */
function splitTopLevel(text: string, offset: number): { piece: string; start: number }[] {
  const pieces: { piece: string; start: number }[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quote !== undefined) {
      if (char === '\\') index += 1;
      else if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '[') depth += 1;
    else if (char === ']') depth -= 1;
    else if (char === ',' && depth === 0) {
      pieces.push({ piece: text.slice(start, index), start: offset + start });
      start = index + 1;
    }
  }
  pieces.push({ piece: text.slice(start), start: offset + start });
  return pieces;
}

/**
 * The piece without a default value (`x: int = 3` → `x: int`): cut at the first `=` after the last
 * `]`. Index scans, not `/=[^\]]*$/`, which retried from every `=` of a long run (quadratic).
 */
function withoutDefaultValue(piece: string): string {
  const equals = piece.indexOf('=', piece.lastIndexOf(']') + 1);
  return equals === -1 ? piece : piece.slice(0, equals).trimEnd();
}

function parseSide(sideText: string, offset: number, kind: FieldKind, whole: string): Field[] {
  if (sideText.trim() === '') return [];
  const fields: Field[] = [];
  const seen = new Set<string>();
  for (const { piece, start } of splitTopLevel(sideText, offset)) {
    const leading = piece.length - piece.trimStart().length;
    const position = start + leading;
    const trimmed = piece.trim();
    if (trimmed === '') throw signatureError(`Empty field name in the ${kind}s`, whole, start, 'Remove the extra comma or add a field name.');
    const colon = trimmed.indexOf(':');
    // A default (`x: int = 3`) is accepted and ignored, as DSPy does.
    const withoutDefault = withoutDefaultValue(trimmed);
    const name = (colon === -1 ? withoutDefault : trimmed.slice(0, colon)).trim();
    if (name === '') throw signatureError(`Empty field name in the ${kind}s`, whole, position, 'Write a name before the colon, e.g. "answer: int".');
    if (!IDENTIFIER.test(name)) {
      throw signatureError(`Invalid field name "${name}"`, whole, position, 'Field names are identifiers (letters, digits, _), separated by commas.');
    }
    if (seen.has(name)) throw signatureError(`Duplicate ${kind} field "${name}"`, whole, position, 'Give each field a distinct name.');
    seen.add(name);
    if (colon === -1) {
      fields.push(new Field({ name, kind }));
      continue;
    }
    const typeStart = colon + 1;
    const typeText = withoutDefault.slice(typeStart);
    fields.push(new Field({ name, kind, type: parseFieldType(typeText, whole, position + typeStart), isTypeUndefined: false }));
  }
  return fields;
}

/**
 * Parses DSPy's signature grammar, `inputs -> outputs`, each side `name` or `name: TYPE`
 * separated by commas. Returns the fields, inputs first.
 * @throws {SignatureError} SIGNATURE_INVALID with `position` for malformed text.
 */
export function parseSignatureText(text: string): Field[] {
  if (typeof text !== 'string') {
    throw new SignatureError(
      describeProblem('A signature must be a string like "question -> answer".', typeof text, 'Pass signature text, a Signature, or a Signature subclass.'),
    );
  }
  const arrow = text.indexOf('->');
  if (arrow === -1) throw signatureError('Missing "->" between inputs and outputs', text, text.length, 'Write "inputs -> outputs", e.g. "question -> answer".');
  const second = text.indexOf('->', arrow + 2);
  if (second !== -1) throw signatureError('More than one "->"', text, second, 'A signature has exactly one "->".');
  const inputs = parseSide(text.slice(0, arrow), 0, 'input', text);
  const outputs = parseSide(text.slice(arrow + 2), arrow + 2, 'output', text);
  const outputNames = new Set(outputs.map((field) => field.name));
  const clashes = inputs
    .filter((field) => outputNames.has(field.name))
    .map((field) => field.name)
    .sort();
  if (clashes.length > 0) {
    throw signatureError(
      `Input and output fields must have distinct names; found ${clashes.map((name) => `"${name}"`).join(', ')}`,
      text,
      text.indexOf(clashes[0], arrow + 2),
      'Rename the output field.',
    );
  }
  return [...inputs, ...outputs];
}
