import { isPythonSpace } from '../util/python-text';
import { MAX_HELD_WHITESPACE, type FieldEmitter } from './field-stream-parser';

/**
 * The text of one field as the adapter reads it, built while it streams: leading whitespace is
 * dropped and trailing whitespace held back until more text follows (DSPy strips field values),
 * so the pieces shown join up to the parsed value. A run of held whitespace longer than
 * `MAX_HELD_WHITESPACE` is let through, to keep memory bounded.
 */
export class FieldText {
  #started = false;
  #held = '';
  #out = '';

  /** Adds text (already in the field's final form, e.g. line breaks normalised). */
  add(text: string): void {
    let from = 0;
    if (!this.#started) {
      while (from < text.length && isPythonSpace(text.charCodeAt(from))) from += 1;
      if (from === text.length) return;
      this.#started = true;
    }
    let end = text.length;
    while (end > from && isPythonSpace(text.charCodeAt(end - 1))) end -= 1;
    if (end > from) {
      this.#out += this.#held + text.slice(from, end);
      this.#held = '';
    }
    this.#held += text.slice(end);
    if (this.#held.length > MAX_HELD_WHITESPACE) {
      this.#out += this.#held;
      this.#held = '';
    }
  }

  /** Forgets whitespace held at the end (a header line's trailing spaces, which DSPy strips). */
  dropHeldWhitespace(): void {
    this.#held = '';
  }

  /** The text ready to show since the last call. */
  take(): string {
    const out = this.#out;
    this.#out = '';
    return out;
  }
}

/** The field a parser is streaming: its text, handed to the emitter under its name piece by piece. */
export class OpenField extends FieldText {
  readonly name: string;
  readonly #emit: FieldEmitter;

  constructor(name: string, emit: FieldEmitter) {
    super();
    this.name = name;
    this.#emit = emit;
  }

  /** Hands over the text ready since the last call; `last` marks the field's final piece (which may be empty). */
  flush(last: boolean): void {
    const text = this.take();
    if (text !== '' || last) this.#emit(this.name, text, last);
  }
}
