/**
 * A parsed XML document as ElementTree holds it: per element a tag, attributes, the `text` before
 * its first child and the `tail` after it. Stored flat, not as an object per element: elements
 * are numbered in document order (0 is the document element) and their fields kept in fixed
 * blocks of integers, text as a span of the source where it was copied unchanged. A reply of
 * 250,000 elements then costs 2-4 MB of integers, not 250,000 objects, strings and child lists.
 */

// Two integers per element: where its subtree ends, and its tag.
const END = 0;
const TAG = 1;
// Blocks of 4,096 elements: growing adds a block and copies nothing. Text and tail codes have
// blocks of their own, made only where some element has one (memory is written, so it costs).
const BLOCK_BITS = 12;
const BLOCK_MASK = (1 << BLOCK_BITS) - 1;

const ELEMENT_BLOCK_SIZE = 2 << BLOCK_BITS;
const TEXT_BLOCK_SIZE = 1 << BLOCK_BITS;
// Enough for a 1 MB reply's elements (at least 4 characters each) with text and tails: ~4 MB kept.
const MAX_SPARE_BLOCKS = 128;

// Text up to this long is scanned for its end character by character, longer text by `indexOf`.
const SHORT_TEXT = 16;

const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();

/**
 * Storage blocks that finished documents hand back, for the next document to reuse. Fresh memory
 * is the dearest part of reading a large reply (each new page faults in: ~5 ms for the 2 MB that
 * 250,000 elements take), while clearing a reused block costs a few microseconds.
 */
export class XmlBlockPool {
  readonly #spare = new Map<number, Int32Array[]>([
    [ELEMENT_BLOCK_SIZE, []],
    [TEXT_BLOCK_SIZE, []],
  ]);
  #count = 0;
  #spareLists: Int32Array | undefined;

  /** A zeroed block of `size` integers. */
  take(size: number): Int32Array {
    const block = this.#spare.get(size)?.pop();
    if (block === undefined) return new Int32Array(size);
    this.#count -= 1;
    return block.fill(0);
  }

  /** An array of at least `length` integers, not cleared (a document's lists are written before they are read). */
  takeLists(length: number): Int32Array {
    const spare = this.#spareLists;
    if (spare !== undefined && spare.length >= length) {
      this.#spareLists = undefined;
      return spare;
    }
    return new Int32Array(length);
  }

  /** Keeps the larger of the given lists array and the one kept. */
  giveLists(lists: Int32Array): void {
    if (lists.length <= MAX_SPARE_BLOCKS * ELEMENT_BLOCK_SIZE && (this.#spareLists === undefined || this.#spareLists.length < lists.length))
      this.#spareLists = lists;
  }

  /** Keeps blocks for reuse, up to a bound (the rest are left to the garbage collector). */
  give(blocks: readonly (Int32Array | undefined)[]): void {
    for (const block of blocks) {
      if (block === undefined || this.#count >= MAX_SPARE_BLOCKS) continue;
      const spare = this.#spare.get(block.length);
      if (spare === undefined) continue;
      spare.push(block);
      this.#count += 1;
    }
  }
}

export class XmlDocument {
  readonly #source: string;
  readonly #blocks: Int32Array[] = [];
  readonly #textBlocks: (Int32Array | undefined)[] = [];
  readonly #tailBlocks: (Int32Array | undefined)[] = [];
  readonly #tagNames: string[] = [];
  readonly #tagIds = new Map<string, number>();
  /** Text that is not a plain span of the source (references resolved, pieces joined); a negative code points here. */
  readonly #strings: string[] = [];
  readonly #attributes = new Map<number, ReadonlyMap<string, string>>();
  readonly #pool: XmlBlockPool | undefined;
  /** Where `newList` carves its arrays from, and how much of it they take. */
  #lists: Int32Array | undefined;
  #listsUsed = 0;
  #size = 0;
  #lastTag = '';
  #lastTagId = -1;

  /** An empty document over `source`, filled by the reader; its blocks come from `pool` when given. */
  constructor(source: string, pool?: XmlBlockPool) {
    this.#source = source;
    this.#pool = pool;
  }

  /**
   * Hands the storage back to the pool it came from, once done reading: the document is empty
   * afterwards, and reading an element of it throws rather than see another document's data.
   */
  release(): void {
    const pool = this.#pool;
    if (pool !== undefined) {
      pool.give(this.#blocks);
      pool.give(this.#textBlocks);
      pool.give(this.#tailBlocks);
    }
    if (pool !== undefined && this.#lists !== undefined) pool.giveLists(this.#lists);
    this.#lists = undefined;
    this.#blocks.length = 0;
    this.#textBlocks.length = 0;
    this.#tailBlocks.length = 0;
    this.#size = 0;
  }

  /** How many elements the document holds. */
  get size(): number {
    return this.#size;
  }

  /** The tag, `{uri}local` for a namespaced one (ElementTree's Clark notation). */
  tag(element: number): string {
    return this.#tagNames[this.#field(element, TAG)];
  }

  /** A number for the element's tag, the same for every element of that tag. */
  tagId(element: number): number {
    return this.#field(element, TAG);
  }

  /** The tag a `tagId` stands for. */
  tagName(id: number): string {
    return this.#tagNames[id];
  }

  /** The `tagId` of a tag, -1 when no element has it. */
  tagIdOf(tag: string): number {
    return this.#tagIds.get(tag) ?? -1;
  }

  /**
   * An array for `count` element numbers, taken from storage that goes back to the pool with the
   * document. Lists of different elements' children together hold each element at most once, so
   * all of them fit in one array of the document's size.
   */
  newList(count: number): Int32Array {
    if (this.#lists === undefined) this.#lists = this.#pool === undefined ? new Int32Array(this.#size) : this.#pool.takeLists(this.#size);
    const start = this.#listsUsed;
    if (start + count > this.#lists.length) return new Int32Array(count);
    this.#listsUsed = start + count;
    return this.#lists.subarray(start, start + count);
  }

  /** The text before the element's first child. */
  text(element: number): string {
    const block = this.#textBlocks[element >>> BLOCK_BITS];
    return block === undefined ? '' : this.#decode(block[element & BLOCK_MASK]);
  }

  /** The text after the element, up to its next sibling. */
  tail(element: number): string {
    const block = this.#tailBlocks[element >>> BLOCK_BITS];
    return block === undefined ? '' : this.#decode(block[element & BLOCK_MASK]);
  }

  /** Attributes in document order, namespace declarations left out. */
  attributes(element: number): ReadonlyMap<string, string> {
    return this.#attributes.get(element) ?? NO_ATTRIBUTES;
  }

  hasAttributes(element: number): boolean {
    return this.#attributes.size > 0 && this.#attributes.has(element);
  }

  /** One past the element's last descendant: its children are `element + 1`, then each child's `end`, up to its own. */
  end(element: number): number {
    return this.#field(element, END);
  }

  hasChildren(element: number): boolean {
    return this.#field(element, END) > element + 1;
  }

  /**
   * How many elements in a row, from `element` up to `limit`, are bare leaves of its tag: no
   * children, text, tail or attributes. Read from the blocks directly (runs of 100,000s are the
   * usual filler of a hostile reply); `element` itself must exist.
   */
  bareLeafRun(element: number, limit: number): number {
    const tag = this.#field(element, TAG);
    const hasAttributes = this.#attributes.size > 0;
    let next = element;
    while (next < limit) {
      const index = next >>> BLOCK_BITS;
      const slot = next & BLOCK_MASK;
      const block = this.#blocks[index];
      // Text and tail codes are 0 exactly when there is none: stored text is never empty.
      if (block[(slot << 1) + END] !== next + 1 || block[(slot << 1) + TAG] !== tag) break;
      if (this.#textBlocks[index]?.[slot] || this.#tailBlocks[index]?.[slot] || (hasAttributes && this.#attributes.has(next))) break;
      next += 1;
    }
    return next - element;
  }

  /** Adds the next element in document order (the reader's step); returns its number. */
  add(tag: string, attributes: ReadonlyMap<string, string> | undefined): number {
    const element = this.#size;
    if ((element & BLOCK_MASK) === 0) {
      this.#blocks.push(this.#newBlock(ELEMENT_BLOCK_SIZE));
      this.#textBlocks.push(undefined);
      this.#tailBlocks.push(undefined);
    }
    if (tag !== this.#lastTag || this.#lastTagId === -1) {
      let id = this.#tagIds.get(tag);
      if (id === undefined) {
        id = this.#tagNames.length;
        this.#tagNames.push(tag);
        this.#tagIds.set(tag, id);
      }
      this.#lastTag = tag;
      this.#lastTagId = id;
    }
    this.#blocks[element >>> BLOCK_BITS][((element & BLOCK_MASK) << 1) + TAG] = this.#lastTagId;
    if (attributes !== undefined && attributes.size > 0) this.#attributes.set(element, attributes);
    this.#size = element + 1;
    return element;
  }

  /** Marks the end of an element's subtree: every element added since belongs to it. */
  close(element: number): void {
    this.#blocks[element >>> BLOCK_BITS][((element & BLOCK_MASK) << 1) + END] = this.#size;
  }

  /**
   * Appends to an element's text (or tail): `resolved` when given, else the source from `start`
   * to `end`, which must run up to the next `<` (kept as a span while it is the only piece).
   */
  appendText(element: number, isTail: boolean, start: number, end: number, resolved: string | undefined): void {
    const blocks = isTail ? this.#tailBlocks : this.#textBlocks;
    let block = blocks[element >>> BLOCK_BITS];
    if (block === undefined) blocks[element >>> BLOCK_BITS] = block = this.#newBlock(TEXT_BLOCK_SIZE);
    const slot = element & BLOCK_MASK;
    const current = block[slot];
    if (current === 0 && resolved === undefined) {
      block[slot] = start + 1;
      return;
    }
    const value = resolved ?? this.#source.slice(start, end);
    if (current < 0) {
      this.#strings[-current - 1] += value;
      return;
    }
    this.#strings.push(this.#decode(current) + value);
    block[slot] = -this.#strings.length;
  }

  #newBlock(size: number): Int32Array {
    return this.#pool === undefined ? new Int32Array(size) : this.#pool.take(size);
  }

  #field(element: number, field: number): number {
    return this.#blocks[element >>> BLOCK_BITS][((element & BLOCK_MASK) << 1) + field];
  }

  /** 0 is no text; a positive code is a span of the source from `code - 1` to the next `<`; a negative one a stored string. */
  #decode(code: number): string {
    if (code === 0) return '';
    if (code < 0) return this.#strings[-code - 1];
    const source = this.#source;
    const start = code - 1;
    // A list item's short text ends within a few characters: found without a search call.
    const scanEnd = Math.min(start + SHORT_TEXT, source.length);
    let end = start;
    while (end < scanEnd && source.charCodeAt(end) !== 60) end += 1;
    if (end === scanEnd && end < source.length) end = source.indexOf('<', end);
    return source.slice(start, end === -1 ? source.length : end);
  }
}
