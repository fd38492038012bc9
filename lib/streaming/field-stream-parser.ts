/** Receives the text of one output field as a reply streams: `isLast` marks the field's final piece (which may be empty). */
export type FieldEmitter = (field: string, text: string, isLast: boolean) => void;

/**
 * Reads one LM reply as it arrives and hands the text of the wanted output fields to an emitter,
 * without the adapter's markers (ChatAdapter's `[[ ## field ## ]]`, JSON keys and quotes, XML
 * tags), which it recognises across piece boundaries. Each field is streamed once per reply.
 */
export interface FieldStreamParser {
  push(piece: string): void;
  /** The reply is complete: a field still open gets its last piece. */
  finish(): void;
}

/** Whitespace a field may end with is held back until more text follows, up to this many characters. */
export const MAX_HELD_WHITESPACE = 64 * 1024;
