/** One server-sent event: its `event:` type (`'message'` when none) and its `data:` lines joined by `\n`. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * An incremental decoder of `text/event-stream` (the WHATWG "interpreting an event stream"
 * rules): lines end with CRLF, LF or CR; `data:` lines accumulate, a blank line dispatches the
 * event, `:` lines are comments, `id:`/`retry:` and unknown fields are ignored (one request, no
 * reconnection). The server is untrusted: each chunk is scanned once (a partial line is kept as
 * pieces and joined only when its break arrives, so a line sent one byte at a time costs linear
 * time), and no line or event may grow past `maxEventChars`.
 */
export class SseDecoder {
  readonly #maxEventChars: number;
  readonly #tooLarge: () => Error;
  #lineParts: string[] = [];
  #lineLength = 0;
  /** A chunk ended in CR: a LF starting the next chunk belongs to the same line break. */
  #skipLineFeed = false;
  #data: string[] = [];
  #dataLength = 0;
  #event = '';

  /** @param tooLarge builds the error thrown when a line or an event passes `maxEventChars`. */
  constructor(maxEventChars: number, tooLarge: () => Error) {
    this.#maxEventChars = maxEventChars;
    this.#tooLarge = tooLarge;
  }

  /** Decodes one chunk of text; complete events are appended to `out`. */
  push(chunk: string, out: SseEvent[]): void {
    let from = 0;
    if (this.#skipLineFeed && chunk.charCodeAt(0) === 10) from = 1;
    this.#skipLineFeed = false;
    LINE_BREAK.lastIndex = from;
    for (let match = LINE_BREAK.exec(chunk); match !== null; match = LINE_BREAK.exec(chunk)) {
      this.#addToLine(chunk.slice(from, match.index));
      this.#endLine(out);
      from = match.index + match[0].length;
      if (match[0] === '\r' && from === chunk.length) this.#skipLineFeed = true;
    }
    if (from < chunk.length) this.#addToLine(chunk.slice(from));
  }

  /** The stream ended: a last line without its break still counts, and a pending event is dispatched. */
  end(out: SseEvent[]): void {
    if (this.#lineLength > 0 || this.#lineParts.length > 0) this.#endLine(out);
    this.#dispatch(out);
  }

  #addToLine(piece: string): void {
    if (piece === '') return;
    this.#lineLength += piece.length;
    if (this.#lineLength > this.#maxEventChars) throw this.#tooLarge();
    this.#lineParts.push(piece);
  }

  #endLine(out: SseEvent[]): void {
    const line = this.#lineParts.length === 1 ? this.#lineParts[0] : this.#lineParts.join('');
    this.#lineParts = [];
    this.#lineLength = 0;
    if (line === '') {
      this.#dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' starts a comment (often a keep-alive)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') {
      this.#dataLength += value.length + 1;
      if (this.#dataLength > this.#maxEventChars) throw this.#tooLarge();
      this.#data.push(value);
    } else if (field === 'event') {
      this.#event = value;
    }
  }

  #dispatch(out: SseEvent[]): void {
    if (this.#data.length > 0) out.push({ event: this.#event === '' ? 'message' : this.#event, data: this.#data.join('\n') });
    this.#data = [];
    this.#dataLength = 0;
    this.#event = '';
  }
}
