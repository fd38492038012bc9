import { jsonNestingExceeds, MAX_NESTING_DEPTH } from '../util/nesting-depth';

/**
 * A lenient, side-effect-free reader for the JSON LMs write. DSPy reads replies with `json_repair`
 * and falls back to Python's `ast.literal_eval`; this accepts JSON plus the Python spellings LMs
 * use (`True`, `False`, `None`, single-quoted strings, tuples, trailing commas) and a Markdown code
 * fence around the value. It never evaluates code.
 */

/**
 * The outcome of a lenient read: the value, or `ok: false` when the text is not JSON-like
 * (`tooDeep` when it nests more than `MAX_NESTING_DEPTH` levels, which is refused even when valid).
 */
export type LooseJsonResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly tooDeep?: boolean };

const NOT_JSON: LooseJsonResult = Object.freeze({ ok: false });
const TOO_DEEP: LooseJsonResult = Object.freeze({ ok: false, tooDeep: true });
const CODE_FENCE = /^```[A-Za-z0-9_-]*[ \t]*\r?\n([\s\S]*?)\r?\n?```$/;
const NUMBER = /[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const WORD = /-?[A-Za-z]+/y;
const WORDS: Readonly<Record<string, unknown>> = {
  true: true,
  false: false,
  null: null,
  True: true,
  False: false,
  None: null,
  NaN: NaN,
  Infinity: Infinity,
};
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0', '\\': '\\', "'": "'", '"': '"', '/': '/' };

class SyntaxMismatch extends Error {}
class NestingTooDeep extends Error {}

/** A tiny recursive-descent reader; throws `SyntaxMismatch` (caught below) at the first character it cannot use. */
class LooseReader {
  #index = 0;

  constructor(private readonly text: string) {}

  readAll(): unknown {
    const value = this.readValue(0);
    this.skipSpace();
    if (this.#index !== this.text.length) throw new SyntaxMismatch();
    return value;
  }

  private skipSpace(): void {
    while (this.#index < this.text.length && /\s/.test(this.text[this.#index])) this.#index += 1;
  }

  private readValue(depth: number): unknown {
    this.skipSpace();
    const char = this.text[this.#index];
    if (char === '{') return this.readObject(depth);
    if (char === '[') return this.readSequence(depth, ']');
    if (char === '(') return this.readSequence(depth, ')');
    if (char === '"' || char === "'") return this.readString(char);
    const word = this.match(WORD);
    if (word !== undefined) {
      const negative = word.startsWith('-');
      const bare = negative ? word.slice(1) : word;
      if (!Object.hasOwn(WORDS, bare) || (negative && bare !== 'Infinity')) throw new SyntaxMismatch();
      this.#index += word.length;
      return negative ? -Infinity : WORDS[bare];
    }
    const number = this.match(NUMBER);
    if (number === undefined) throw new SyntaxMismatch();
    this.#index += number.length;
    return Number(number.replaceAll('_', ''));
  }

  /** The text a sticky pattern matches at the current position, if any. */
  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.#index;
    return pattern.exec(this.text)?.[0];
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.text[this.#index] !== char) throw new SyntaxMismatch();
    this.#index += 1;
  }

  private peekIs(char: string): boolean {
    this.skipSpace();
    return this.text[this.#index] === char;
  }

  /** Containers at `depth` (0 at the top) nest `depth + 1` levels. */
  private enterContainer(depth: number): void {
    if (depth >= MAX_NESTING_DEPTH) throw new NestingTooDeep();
    this.#index += 1;
  }

  private readSequence(depth: number, close: ']' | ')'): unknown[] {
    this.enterContainer(depth);
    const items: unknown[] = [];
    while (!this.peekIs(close)) {
      items.push(this.readValue(depth + 1));
      if (!this.peekIs(',')) break;
      this.#index += 1;
    }
    this.expect(close);
    return items;
  }

  private readObject(depth: number): Record<string, unknown> {
    this.enterContainer(depth);
    const result: Record<string, unknown> = {};
    while (!this.peekIs('}')) {
      const key = this.readValue(depth + 1);
      if (typeof key !== 'string' && typeof key !== 'number') throw new SyntaxMismatch();
      this.expect(':');
      // defineProperty keeps a "__proto__" key an own property, as JSON.parse does.
      Object.defineProperty(result, String(key), { value: this.readValue(depth + 1), enumerable: true, writable: true, configurable: true });
      if (!this.peekIs(',')) break;
      this.#index += 1;
    }
    this.expect('}');
    return result;
  }

  private readString(quote: string): string {
    let value = '';
    let index = this.#index + 1;
    while (index < this.text.length && this.text[index] !== quote) {
      const char = this.text[index];
      if (char !== '\\') {
        value += char;
        index += 1;
        continue;
      }
      const escaped = this.text[index + 1];
      if (escaped === 'u' || escaped === 'x') {
        const width = escaped === 'u' ? 4 : 2;
        const hex = this.text.slice(index + 2, index + 2 + width);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) throw new SyntaxMismatch();
        value += String.fromCharCode(parseInt(hex, 16));
        index += 2 + width;
      } else if (escaped !== undefined && Object.hasOwn(ESCAPES, escaped)) {
        value += ESCAPES[escaped];
        index += 2;
      } else {
        value += char;
        index += 1;
      }
    }
    if (index >= this.text.length) throw new SyntaxMismatch();
    this.#index = index + 1;
    return value;
  }
}

function readLoosely(text: string): LooseJsonResult {
  try {
    return { ok: true, value: new LooseReader(text).readAll() };
  } catch (error) {
    if (error instanceof SyntaxMismatch) return NOT_JSON;
    if (error instanceof NestingTooDeep) return TOO_DEEP;
    throw error;
  }
}

/**
 * Reads JSON-like text leniently.
 * @returns `{ ok: true, value }`, or `{ ok: false }` when the text is not JSON or a Python literal.
 */
export function parseJsonLoosely(text: string): LooseJsonResult {
  const trimmed = text.trim();
  if (trimmed === '') return NOT_JSON;
  // The native parser is much faster (and does not recurse), but slows sharply with depth: text
  // nesting past the limit goes straight to the lenient reader, which stops at the limit.
  if (!jsonNestingExceeds(trimmed)) {
    try {
      return { ok: true, value: JSON.parse(trimmed) };
    } catch {
      // Not strict JSON: fall through to the lenient reader.
    }
  }
  const result = readLoosely(trimmed);
  if (result.ok) return result;
  const fenced = CODE_FENCE.exec(trimmed);
  if (fenced === null) return result;
  const inner = readLoosely(fenced[1].trim());
  return inner.ok || !result.tooDeep ? inner : result;
}
