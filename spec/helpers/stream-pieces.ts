import type { FieldEmitter, FieldStreamParser } from '../../lib/streaming/field-stream-parser';

/** `text` cut at the given positions (taken modulo its length + 1, as fast-check hands them). */
export function cutAt(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((point) => point % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(text.slice(from, point));
    from = point;
  }
  pieces.push(text.slice(from));
  return pieces;
}

/** One piece a field stream parser handed to its emitter. */
export interface Emitted {
  field: string;
  text: string;
  isLast: boolean;
}

type FieldParserClass = new (wanted: ReadonlySet<string>, emit: FieldEmitter) => FieldStreamParser;

/** Feeds `pieces` to a new parser of the given class, wanting `wanted`, and returns what it emitted. */
export function streamFields(Parser: FieldParserClass, pieces: string[], wanted: string[]): Emitted[] {
  const out: Emitted[] = [];
  const parser = new Parser(new Set(wanted), (field, text, isLast) => out.push({ field, text, isLast }));
  for (const piece of pieces) parser.push(piece);
  parser.finish();
  return out;
}

/** Per field, the emitted pieces joined. */
export function joinedTexts(out: Emitted[]): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const { field, text } of out) texts[field] = (texts[field] ?? '') + text;
  return texts;
}
