import { pythonStringRepr } from '../util/python-format';
import { KNOWN_TYPE_NAMES, TypeLexer, typeError } from './type-lexer';

/** A literal value allowed in `Literal[...]`. */
export type LiteralValue = string | number | boolean | null;

/** How Python holds a `list`-kind value: `tuple[...]`, `set[...]` and `frozenset[...]` arrive as arrays too. */
export type CollectionName = 'tuple' | 'set' | 'frozenset';

/**
 * A field's type, parsed from DSPy's spelling (`int`, `list[str]`, `Optional[int]`, …) or taken
 * from a class. Closed set of shapes; adapters switch on `kind`. Tuples and sets are `list`s with
 * a `collection`: `item` is what every element may be (for `tuple[int, str]`, their union), and a
 * fixed-length tuple lists its element types in `items`.
 */
export type FieldType =
  | { readonly kind: 'str' | 'int' | 'float' | 'bool' | 'any' | 'none' }
  /** DSPy's `dspy.Image` (dspex's `Image`): an image input, sent as a content part. */
  | { readonly kind: 'image' }
  | {
      readonly kind: 'list';
      readonly item?: FieldType;
      readonly jsonSchema?: Readonly<Record<string, unknown>>;
      readonly collection?: CollectionName;
      readonly items?: readonly FieldType[];
    }
  | { readonly kind: 'dict'; readonly key?: FieldType; readonly value?: FieldType; readonly jsonSchema?: Readonly<Record<string, unknown>> }
  | { readonly kind: 'literal'; readonly values: readonly LiteralValue[] }
  | { readonly kind: 'union'; readonly members: readonly FieldType[] }
  | { readonly kind: 'class'; readonly ctor: new () => object; readonly name: string };

export const STR_TYPE: FieldType = Object.freeze({ kind: 'str' });
const SIMPLE_TYPES: Record<string, FieldType> = {
  str: STR_TYPE,
  int: Object.freeze({ kind: 'int' }),
  float: Object.freeze({ kind: 'float' }),
  bool: Object.freeze({ kind: 'bool' }),
  Any: Object.freeze({ kind: 'any' }),
  None: Object.freeze({ kind: 'none' }),
  NoneType: Object.freeze({ kind: 'none' }),
  Image: Object.freeze({ kind: 'image' }),
  'dspy.Image': Object.freeze({ kind: 'image' }),
};

/** The brand a class carries to stand for a dspex field type (`Image` has it), read without importing the class. */
export const FIELD_TYPE_BRAND = Symbol.for('dspex.fieldType');

/** A class's field type: the type it is branded with (`Image` → `image`), else the class itself. */
export function fieldTypeOfClass(ctor: Function): FieldType {
  const brand = (ctor as unknown as Record<symbol, unknown>)[FIELD_TYPE_BRAND];
  if (brand === 'image') return SIMPLE_TYPES.Image;
  return Object.freeze({ kind: 'class', ctor: ctor as new () => object, name: ctor.name });
}
const NONE_TYPE = SIMPLE_TYPES.None;
const COLLECTIONS: Record<string, 'list' | CollectionName> = {
  list: 'list',
  List: 'list',
  tuple: 'tuple',
  Tuple: 'tuple',
  set: 'set',
  Set: 'set',
  frozenset: 'frozenset',
  FrozenSet: 'frozenset',
};

/** Builds a union, flattening nested unions and dropping duplicates (as Python's typing does). */
export function unionOf(members: readonly FieldType[]): FieldType {
  // Keyed by structure, so 16,000 members cost linear time (comparing each pair was quadratic).
  const seen = new UnionMembers(flatMemberCount(members));
  seen.addAll(members);
  const unique = seen.unique;
  return unique.length === 1 ? unique[0] : Object.freeze({ kind: 'union', members: Object.freeze(unique) });
}

// The loops over a union's members are functions of their own, with indexed loops: V8 compiles a
// running loop before the code after it has run, and that code then deoptimised on every parse;
// for...of allocated a result object per member until optimised.

/** How many members `unionOf(members)` sees once nested unions are flattened. */
function flatMemberCount(members: readonly FieldType[]): number {
  let count = 0;
  for (let index = 0; index < members.length; index += 1) count += members[index].kind === 'union' ? (members[index] as UnionType).members.length : 1;
  return count;
}

type LiteralType = Extract<FieldType, { kind: 'literal' }>;
type UnionType = Extract<FieldType, { kind: 'union' }>;

// A probe run this long means crafted collisions: the table hands over to a Set (V8's seeded hash).
const MAX_PROBES = 32;
const HASH_SEED = (Math.random() * 0x7fffffff) | 0;

/** A hash of a literal value, equal for values a `Set` takes as one (`0` and `-0`, two NaNs); 30 bits, so V8 keeps it a small integer. */
function literalHash(value: LiteralValue): number {
  if (typeof value === 'string') {
    let hash = HASH_SEED ^ value.length;
    for (let index = 0; index < value.length; index += 1) hash = Math.imul(hash ^ value.charCodeAt(index), 0x01000193);
    return (hash ^ (hash >>> 15)) & 0x3fffffff;
  }
  if (typeof value === 'number') return (Math.imul(value | 0, 0x9e3779b1) ^ ((value * 0x10000) | 0)) & 0x3fffffff;
  return value === null ? 0x1bd1e995 : value ? 0x1b873593 : 0x2c1b3c6d;
}

/**
 * A union's distinct members, in first-seen order. A one-value `Literal` (the common member of a
 * long union) is keyed by its value, told apart as `literalKey` does (`'1'`, `1`, `True`), in an
 * open-addressing table sized once for all members (a Set grew step by step and cost three times
 * as much); other members by `fieldTypeKey`, a string built per member.
 */
class UnionMembers {
  readonly unique: FieldType[] = [];
  /** Index + 1 in `unique` of the one-value Literal in each slot (0: empty), and that value's hash. */
  readonly #slots: Int32Array;
  readonly #hashes: Int32Array;
  #literals: Set<LiteralValue> | undefined;
  readonly #others = new Set<string>();

  constructor(count: number) {
    let size = 16;
    while (size < count * 2) size *= 2;
    this.#slots = new Int32Array(size);
    this.#hashes = new Int32Array(size);
  }

  /** Adds each member, and each member of a nested union. */
  addAll(members: readonly FieldType[]): void {
    for (let index = 0; index < members.length; index += 1) {
      const member = members[index];
      if (member.kind !== 'union') this.add(member);
      else for (let inner = 0; inner < member.members.length; inner += 1) this.add(member.members[inner]);
    }
  }

  add(member: FieldType): void {
    if (member.kind === 'literal' && member.values.length === 1) {
      if (!this.#addLiteral(member.values[0])) return;
    } else {
      // One hash operation: the set grows exactly when the member is new.
      const size = this.#others.size;
      if (this.#others.add(fieldTypeKey(member)).size === size) return;
    }
    this.unique.push(member);
  }

  /** Notes a one-value Literal's value; false when an earlier member has it. */
  #addLiteral(value: LiteralValue): boolean {
    if (this.#literals !== undefined) {
      const size = this.#literals.size;
      return this.#literals.add(value).size !== size;
    }
    const slots = this.#slots;
    const mask = slots.length - 1;
    const hash = literalHash(value);
    let slot = hash & mask;
    for (let probes = 0; slots[slot] !== 0; probes += 1) {
      if (this.#hashes[slot] === hash) {
        const held = (this.unique[slots[slot] - 1] as LiteralType).values[0];
        if (held === value || (held !== held && value !== value)) return false;
      }
      if (probes === MAX_PROBES) {
        this.#literals = new Set();
        for (const member of this.unique) if (member.kind === 'literal' && member.values.length === 1) this.#literals.add(member.values[0]);
        return this.#addLiteral(value);
      }
      slot = (slot + 1) & mask;
    }
    slots[slot] = this.unique.length + 1;
    this.#hashes[slot] = hash;
    return true;
  }
}

const classKeys = new WeakMap<Function, number>();
let nextClassKey = 0;

/** A literal value's part of a key: strings quoted (so `'1'` and `1` differ), booleans and numbers as Python compares them. */
function literalKey(value: LiteralValue): string {
  // Length-prefixed, so no separator inside a string can make two lists of values look alike.
  if (typeof value === 'string') return `'${value.length}:${value}`;
  if (value === null) return 'None';
  return typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
}

/**
 * A string equal for two types exactly when `fieldTypeEquals` holds (classes by identity).
 * Computed afresh (linear in the type's size): caching it per type object in a WeakMap cost
 * more, in garbage collection, than building it for 16,000 union members.
 */
function fieldTypeKey(type: FieldType | undefined): string {
  if (type === undefined) return '?';
  switch (type.kind) {
    case 'list':
      return `${type.collection ?? 'list'}(${type.items === undefined ? fieldTypeKey(type.item) : `(${type.items.map(fieldTypeKey).join(',')})`})`;
    case 'dict':
      return `dict(${fieldTypeKey(type.key)},${fieldTypeKey(type.value)})`;
    case 'literal':
      return type.values.length === 1 ? `literal(${literalKey(type.values[0])})` : `literal(${type.values.map(literalKey).join(',')})`;
    case 'union':
      return `union(${type.members.map(fieldTypeKey).join(',')})`;
    case 'class': {
      let id = classKeys.get(type.ctor);
      if (id === undefined) {
        id = nextClassKey++;
        classKeys.set(type.ctor, id);
      }
      return `class#${id}`;
    }
    default:
      return type.kind;
  }
}

function typeListEquals(left: readonly FieldType[] | undefined, right: readonly FieldType[] | undefined): boolean {
  if (left === undefined || right === undefined) return left === right;
  return left.length === right.length && left.every((member, index) => fieldTypeEquals(member, right[index]));
}

/** Structural equality of two field types. */
export function fieldTypeEquals(left: FieldType | undefined, right: FieldType | undefined): boolean {
  if (left === right) return true;
  if (left === undefined || right === undefined || left.kind !== right.kind) return false;
  switch (left.kind) {
    case 'list': {
      const other = right as typeof left;
      return left.collection === other.collection && fieldTypeEquals(left.item, other.item) && typeListEquals(left.items, other.items);
    }
    case 'dict':
      return fieldTypeEquals(left.key, (right as typeof left).key) && fieldTypeEquals(left.value, (right as typeof left).value);
    case 'literal': {
      const other = right as typeof left;
      return left.values.length === other.values.length && left.values.every((value, index) => value === other.values[index]);
    }
    case 'union':
      return typeListEquals(left.members, (right as typeof left).members);
    case 'class':
      return left.ctor === (right as typeof left).ctor;
    default:
      return true;
  }
}

/** How many distinct `Literal` values are looked for in their list before a Set holds them. */
const FEW_LITERAL_VALUES = 8;

/** A recursive-descent parser over the lexer's tokens: `NAME`, `NAME[ARGS]`, `A | B`, `Literal[...]`, and `...` in `tuple[T, ...]`. */
class TypeParser {
  constructor(private readonly lexer: TypeLexer) {}

  parseAll(): FieldType {
    const type = this.parseUnion();
    if (this.lexer.kind !== 'end') {
      throw typeError('Unexpected text after the type', this.lexer.source, this.lexer.position, 'Remove it, or separate fields with commas.');
    }
    return type;
  }

  private expect(char: ']' | '['): void {
    if (!this.lexer.isPunct(char)) {
      throw typeError(`Expected "${char}"`, this.lexer.source, this.lexer.position, char === ']' ? 'Close the bracket.' : 'Open the bracket.');
    }
    this.lexer.advance();
  }

  parseUnion(): FieldType {
    const first = this.parsePrimary();
    if (!this.lexer.isPunct('|')) return first;
    return unionOf(this.parseBarMembers([first]));
  }

  // Each long loop below sits in a method that only returns after it: V8 compiles a running loop
  // before the code after it has ever run, and that code then deoptimised on every parse.

  /** The members after `A` in `A | B | ...`, appended to `members`. */
  private parseBarMembers(members: FieldType[]): FieldType[] {
    while (this.lexer.isPunct('|')) {
      this.lexer.advance();
      members.push(this.parsePrimary());
    }
    return members;
  }

  /** `[A, B, ...]`; an ellipsis argument comes back as `undefined` (only `tuple[T, ...]` accepts one). */
  private parseArguments(): (FieldType | undefined)[] {
    this.expect('[');
    const args = this.parseArgumentList();
    this.expect(']');
    return args;
  }

  private parseArgumentList(): (FieldType | undefined)[] {
    const args: (FieldType | undefined)[] = [];
    do {
      if (args.length > 0) this.lexer.advance();
      if (this.lexer.kind === 'ellipsis') {
        args.push(undefined);
        this.lexer.advance();
      } else {
        args.push(this.parseUnion());
      }
    } while (this.lexer.isPunct(','));
    return args;
  }

  private parseLiteralValues(): LiteralValue[] {
    this.expect('[');
    const values = [this.parseLiteralValue()];
    if (!this.lexer.isPunct(',')) {
      this.expect(']');
      return values;
    }
    this.parseMoreLiteralValues(values);
    this.expect(']');
    return values;
  }

  /**
   * The values after the first, appended to `values` unless already there: Python's Literal drops
   * repeated values, keeping the first ('1', 1 and True stay apart, as in Python). A few values are
   * searched in place (includes() compares as a Set does), more go in a Set.
   */
  private parseMoreLiteralValues(values: LiteralValue[]): void {
    let seen: Set<LiteralValue> | undefined;
    while (this.lexer.isPunct(',')) {
      this.lexer.advance();
      const value = this.parseLiteralValue();
      if (seen !== undefined) {
        const size = seen.size;
        if (seen.add(value).size !== size) values.push(value);
      } else if (!values.includes(value)) {
        values.push(value);
        if (values.length > FEW_LITERAL_VALUES) seen = new Set(values);
      }
    }
  }

  private parseLiteralValue(): LiteralValue {
    const lexer = this.lexer;
    let value: LiteralValue;
    const word = lexer.kind === 'name' ? lexer.tokenText() : '';
    if (lexer.kind === 'string') value = lexer.stringValue;
    else if (lexer.kind === 'number') value = lexer.numberValue();
    else if (word === 'True' || word === 'False' || word === 'None') value = word === 'None' ? null : word === 'True';
    else throw typeError('Literal[...] takes strings, numbers, True, False or None', lexer.source, lexer.position, "Write Literal['a', 'b'].");
    lexer.advance();
    return value;
  }

  private noEllipsis(args: (FieldType | undefined)[], name: string, position: number): FieldType[] {
    if (args.includes(undefined))
      throw typeError(`"..." is not a type argument of ${name}[...]`, this.lexer.source, position, 'Write tuple[int, ...] for a tuple of any length.');
    return args as FieldType[];
  }

  private arity(args: readonly FieldType[], expected: number, name: string, position: number, example: string): void {
    if (args.length !== expected) {
      throw typeError(`${name}[...] takes ${expected} type argument(s), got ${args.length}`, this.lexer.source, position, `Write ${example}.`);
    }
  }

  /** `list[T]`, `set[T]`, `frozenset[T]`, `tuple[A, B]`, `tuple[T, ...]` (and their typing spellings), or the bare name. */
  private parseCollection(name: string, collection: 'list' | CollectionName, position: number): FieldType {
    const tag = collection === 'list' ? {} : { collection };
    if (!this.lexer.isPunct('[')) return Object.freeze({ kind: 'list', ...tag });
    const args = this.parseArguments();
    if (collection === 'tuple') {
      if (args.length === 2 && args[1] === undefined && args[0] !== undefined) return Object.freeze({ kind: 'list', item: args[0], collection });
      // DSPy: "Variable tuples can only have one type".
      const items = Object.freeze(this.noEllipsis(args, name, position));
      return Object.freeze({ kind: 'list', item: unionOf(items), collection, items });
    }
    const types = this.noEllipsis(args, name, position);
    if (collection !== 'list') this.arity(types, 1, name, position, `${collection}[str]`);
    return Object.freeze({ kind: 'list', item: types.length === 1 ? types[0] : unionOf(types), ...tag });
  }

  private parsePrimary(): FieldType {
    const lexer = this.lexer;
    const position = lexer.position;
    if (lexer.kind !== 'name') throw typeError('Expected a type name', lexer.source, position, `Use DSPy's type spelling: ${KNOWN_TYPE_NAMES}.`);
    const spelled = lexer.tokenText();
    const name = spelled.includes('.') ? spelled.replace(/^(typing|builtins)\./, '') : spelled;
    lexer.advance();
    const collection = Object.hasOwn(COLLECTIONS, name) ? COLLECTIONS[name] : undefined;
    if (collection !== undefined) return this.parseCollection(name, collection, position);
    switch (name) {
      case 'dict':
      case 'Dict': {
        if (!lexer.isPunct('[')) return Object.freeze({ kind: 'dict' });
        const args = this.noEllipsis(this.parseArguments(), name, position);
        this.arity(args, 2, name, position, 'dict[str, int]');
        return Object.freeze({ kind: 'dict', key: args[0], value: args[1] });
      }
      case 'Optional': {
        const args = lexer.isPunct('[') ? this.noEllipsis(this.parseArguments(), name, position) : [];
        this.arity(args, 1, name, position, 'Optional[int]');
        return unionOf([args[0], NONE_TYPE]);
      }
      case 'Union':
        return unionOf(lexer.isPunct('[') ? this.noEllipsis(this.parseArguments(), name, position) : []);
      case 'Literal':
        return Object.freeze({ kind: 'literal', values: Object.freeze(this.parseLiteralValues()) });
      default: {
        const simple = Object.hasOwn(SIMPLE_TYPES, name) ? SIMPLE_TYPES[name] : undefined;
        if (simple === undefined) {
          throw typeError(
            `Unknown type name "${spelled}"`,
            lexer.source,
            position,
            `Use one of ${KNOWN_TYPE_NAMES}, or a class-form signature for custom classes.`,
          );
        }
        if (lexer.isPunct('[')) throw typeError(`${name} takes no type arguments`, lexer.source, position, `Write plain ${name}.`);
        return simple;
      }
    }
  }
}

/**
 * Parses a DSPy type annotation. `source` and `offset` place error positions in the whole signature text.
 * @throws {SignatureError} SIGNATURE_INVALID for unknown names and malformed brackets.
 */
export function parseFieldType(text: string, source = text, offset = 0): FieldType {
  const lexer = new TypeLexer(text, offset, source);
  if (lexer.kind === 'end') throw typeError('Empty type annotation', source, offset, 'Write a type after the colon, e.g. "answer: int", or drop the colon.');
  return new TypeParser(lexer).parseAll();
}

/** Characters `repr()` escapes or picks its quotes by; a string without them is quoted as it is. */
const REPR_SPECIAL = /['"\\\n\r\t]/;

/** `REPR_SPECIAL.test(value)`; a short value (a union member's) is looped over, cheaper than a regex call. */
function needsRepr(value: string): boolean {
  if (value.length > 32) return REPR_SPECIAL.test(value);
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code === 0x27 || code === 0x22 || code === 0x5c || code === 0x0a || code === 0x0d || code === 0x09) return true;
  }
  return false;
}

function literalName(value: LiteralValue): string {
  if (typeof value === 'string') return needsRepr(value) ? pythonStringRepr(value) : `'${value}'`;
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** `list[str]`, `set[int]`, `tuple[int, str]`, and `tuple[int, Ellipsis]` for `tuple[int, ...]`, as Python prints them. */
function collectionName(type: Extract<FieldType, { kind: 'list' }>): string {
  const name = type.collection ?? 'list';
  if (type.items !== undefined) return `${name}[${type.items.map(annotationName).join(', ')}]`;
  if (type.item === undefined) return name;
  return type.collection === 'tuple' ? `tuple[${annotationName(type.item)}, Ellipsis]` : `${name}[${annotationName(type.item)}]`;
}

/**
 * The names of union members that are all one-value Literals of plain strings, or all of numbers
 * (a long union's usual shape), joined through their values: no name string per member. Else undefined.
 */
function literalMembersName(members: readonly FieldType[]): string | undefined {
  const values = members.length === 0 ? undefined : oneValueLiterals(members);
  if (values === undefined) return undefined;
  const kind = typeof values[0];
  if (kind === 'string' ? !allPlainStrings(values) : kind !== 'number' || !allNumbers(values)) return undefined;
  // join prints a number as String() does, as literalName does.
  return kind === 'string' ? `Literal['${values.join("'], Literal['")}']` : `Literal[${values.join('], Literal[')}]`;
}

// Each loop below is a function that only returns after it (see flatMemberCount).

/** Each member's one Literal value, or undefined when a member is not a one-value Literal. */
function oneValueLiterals(members: readonly FieldType[]): LiteralValue[] | undefined {
  const values: LiteralValue[] = new Array<LiteralValue>(members.length);
  for (let index = 0; index < members.length; index += 1) {
    const member = members[index];
    if (member.kind !== 'literal' || member.values.length !== 1) return undefined;
    values[index] = member.values[0];
  }
  return values;
}

/** True when every value is a string that repr() quotes as it is. */
function allPlainStrings(values: readonly LiteralValue[]): boolean {
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    if (typeof value !== 'string' || needsRepr(value)) return false;
  }
  return true;
}

function allNumbers(values: readonly LiteralValue[]): boolean {
  for (let index = 0; index < values.length; index += 1) if (typeof values[index] !== 'number') return false;
  return true;
}

/**
 * The type's name as DSPy prints it in prompts (`get_annotation_name`): `list[str]`,
 * `dict[str, int]`, `Literal['a', 'b']`, and `Optional[int]` as `Union[int, NoneType]`.
 */
export function annotationName(type: FieldType): string {
  switch (type.kind) {
    case 'str':
    case 'int':
    case 'float':
    case 'bool':
      return type.kind;
    case 'any':
      return 'Any';
    case 'image':
      return 'Image';
    case 'none':
      return 'NoneType';
    case 'list':
      return collectionName(type);
    case 'dict':
      return type.key === undefined || type.value === undefined ? 'dict' : `dict[${annotationName(type.key)}, ${annotationName(type.value)}]`;
    case 'literal':
      // One value is the common case (16,000 of them in a long union): no array to join.
      return type.values.length === 1 ? `Literal[${literalName(type.values[0])}]` : `Literal[${type.values.map(literalName).join(', ')}]`;
    case 'union':
      // Joined, not appended: 16,000 appended names stay alive as a rope until it is read, and cost more in garbage collection.
      return `Union[${literalMembersName(type.members) ?? type.members.map(annotationName).join(', ')}]`;
    case 'class':
      return type.name;
  }
}

/** True when `None` is an allowed value (`Optional[T]`, `T | None`, `Any`). */
export function admitsNone(type: FieldType): boolean {
  if (type.kind === 'none' || type.kind === 'any') return true;
  if (type.kind === 'union') return type.members.some(admitsNone);
  if (type.kind === 'literal') return type.values.includes(null);
  return false;
}
