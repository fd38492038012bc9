import { SignatureError, describeProblem } from '../errors';
import { quotedPreview } from '../util/quoted-preview';
import { MAX_NESTING_DEPTH } from '../util/nesting-depth';
import { pythonStringRepr } from '../util/python-format';
import { isPythonSpace } from '../util/python-text';

/** A literal value allowed in `Literal[...]`. */
export type LiteralValue = string | number | boolean | null;

/**
 * A field's type, parsed from DSPy's spelling (`int`, `list[str]`, `Optional[int]`, …) or taken
 * from a class. Closed set of shapes; adapters switch on `kind`.
 */
export type FieldType =
  | { readonly kind: 'str' | 'int' | 'float' | 'bool' | 'any' | 'none' }
  | { readonly kind: 'list'; readonly item?: FieldType; readonly jsonSchema?: Readonly<Record<string, unknown>> }
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
};
const NONE_TYPE = SIMPLE_TYPES.None;
const KNOWN_TYPE_NAMES = 'str, int, float, bool, Any, list[T], dict[str, T], Literal[...], Optional[T], Union[...]';

// Sticky patterns read a token where it starts; matching `text.slice(index)` copied the rest of the text per token.
const NUMBER_TOKEN = /-?\d+(\.\d+)?([eE][-+]?\d+)?/y;
const NAME_TOKEN = /[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const NAME_START = /[A-Za-z_]/;

type Token =
  | { readonly kind: 'name'; readonly text: string; readonly position: number }
  | { readonly kind: 'string'; readonly value: string; readonly position: number }
  | { readonly kind: 'number'; readonly value: number; readonly position: number }
  | { readonly kind: 'punct'; readonly text: '[' | ']' | ',' | '|'; readonly position: number }
  | { readonly kind: 'end'; readonly position: number };

function typeError(problem: string, source: string, position: number, fix: string): SignatureError {
  return new SignatureError(describeProblem(`${problem} at position ${position}.`, quotedPreview(source), fix), { position, details: { text: source } });
}

/** A quoted literal starting at `start`: its value (`\n`, `\t` and `\x` escapes read) and the index of its closing quote. */
function readStringLiteral(text: string, start: number): { value: string; end: number } {
  const quote = text.charCodeAt(start);
  let value = '';
  let chunk = start + 1;
  let end = chunk;
  for (; end < text.length; end += 1) {
    const code = text.charCodeAt(end);
    if (code === quote) break;
    if (code === 0x5c && end + 1 < text.length) {
      const escaped = text[end + 1];
      value += text.slice(chunk, end) + (escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped);
      end += 1;
      chunk = end + 1;
    }
  }
  return { value: value + text.slice(chunk, Math.min(end, text.length)), end };
}

function tokenize(text: string, source: string, offset: number): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let depth = 0;
  while (index < text.length) {
    const char = text[index];
    const position = offset + index;
    if (isPythonSpace(text.charCodeAt(index))) {
      index += 1;
    } else if (char === '[' || char === ']' || char === ',' || char === '|') {
      if (char === '[' && ++depth > MAX_NESTING_DEPTH) {
        throw typeError(`Type nested more than ${MAX_NESTING_DEPTH} levels deep`, source, position, 'Flatten the type; DSPy types never nest this deep.');
      }
      if (char === ']') depth -= 1;
      tokens.push({ kind: 'punct', text: char, position });
      index += 1;
    } else if (char === "'" || char === '"') {
      const { value, end } = readStringLiteral(text, index);
      if (end >= text.length) throw typeError('Unterminated string literal', source, position, `Close the quote ${char}.`);
      tokens.push({ kind: 'string', value, position });
      index = end + 1;
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      NUMBER_TOKEN.lastIndex = index;
      const match = NUMBER_TOKEN.exec(text);
      if (!match) throw typeError(`Unexpected character "${char}"`, source, position, 'Write a number such as 3 or 0.5.');
      tokens.push({ kind: 'number', value: Number(match[0]), position });
      index += match[0].length;
    } else if (NAME_START.test(char)) {
      NAME_TOKEN.lastIndex = index;
      const match = NAME_TOKEN.exec(text)!;
      tokens.push({ kind: 'name', text: match[0], position });
      index += match[0].length;
    } else {
      throw typeError(`Unexpected character "${char}" in a type`, source, position, `Use DSPy's type spelling: ${KNOWN_TYPE_NAMES}.`);
    }
  }
  tokens.push({ kind: 'end', position: offset + text.length });
  return tokens;
}

/** Builds a union, flattening nested unions and dropping duplicates (as Python's typing does). */
export function unionOf(members: readonly FieldType[]): FieldType {
  // Keyed by structure, so 16,000 members cost linear time (comparing each pair was quadratic).
  const flat = new Map<string, FieldType>();
  for (const member of members) {
    for (const inner of member.kind === 'union' ? member.members : [member]) {
      const key = fieldTypeKey(inner);
      if (!flat.has(key)) flat.set(key, inner);
    }
  }
  const unique = [...flat.values()];
  return unique.length === 1 ? unique[0] : Object.freeze({ kind: 'union', members: Object.freeze(unique) });
}

const typeKeys = new WeakMap<FieldType, string>();
const classKeys = new WeakMap<Function, number>();
let nextClassKey = 0;

/** A string equal for two types exactly when `fieldTypeEquals` holds (classes by identity). */
function fieldTypeKey(type: FieldType | undefined): string {
  if (type === undefined) return '?';
  const cached = typeKeys.get(type);
  if (cached !== undefined) return cached;
  let key: string;
  switch (type.kind) {
    case 'list':
      key = `list(${fieldTypeKey(type.item)})`;
      break;
    case 'dict':
      key = `dict(${fieldTypeKey(type.key)},${fieldTypeKey(type.value)})`;
      break;
    case 'literal':
      key = `literal${JSON.stringify(type.values.map((value) => [typeof value, value]))}`;
      break;
    case 'union':
      key = `union(${type.members.map(fieldTypeKey).join(',')})`;
      break;
    case 'class': {
      let id = classKeys.get(type.ctor);
      if (id === undefined) {
        id = nextClassKey++;
        classKeys.set(type.ctor, id);
      }
      key = `class#${id}`;
      break;
    }
    default:
      key = type.kind;
  }
  typeKeys.set(type, key);
  return key;
}

/** Structural equality of two field types. */
export function fieldTypeEquals(left: FieldType | undefined, right: FieldType | undefined): boolean {
  if (left === right) return true;
  if (left === undefined || right === undefined || left.kind !== right.kind) return false;
  switch (left.kind) {
    case 'list':
      return fieldTypeEquals(left.item, (right as typeof left).item);
    case 'dict':
      return fieldTypeEquals(left.key, (right as typeof left).key) && fieldTypeEquals(left.value, (right as typeof left).value);
    case 'literal': {
      const other = right as typeof left;
      return left.values.length === other.values.length && left.values.every((value, index) => value === other.values[index]);
    }
    case 'union': {
      const other = right as typeof left;
      return left.members.length === other.members.length && left.members.every((member, index) => fieldTypeEquals(member, other.members[index]));
    }
    case 'class':
      return left.ctor === (right as typeof left).ctor;
    default:
      return true;
  }
}

class TypeParser {
  #index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  parseAll(): FieldType {
    const type = this.parseUnion();
    const next = this.peek();
    if (next.kind !== 'end') throw typeError('Unexpected text after the type', this.source, next.position, 'Remove it, or separate fields with commas.');
    return type;
  }

  private peek(): Token {
    return this.tokens[this.#index];
  }

  private take(): Token {
    return this.tokens[this.#index++];
  }

  private expect(text: ']' | '['): void {
    const token = this.take();
    if (token.kind !== 'punct' || token.text !== text) {
      throw typeError(`Expected "${text}"`, this.source, token.position, text === ']' ? 'Close the bracket.' : 'Open the bracket.');
    }
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === text;
  }

  parseUnion(): FieldType {
    const members = [this.parsePrimary()];
    while (this.isPunct('|')) {
      this.take();
      members.push(this.parsePrimary());
    }
    return members.length === 1 ? members[0] : unionOf(members);
  }

  private parseArguments(): FieldType[] {
    this.expect('[');
    const args = [this.parseUnion()];
    while (this.isPunct(',')) {
      this.take();
      args.push(this.parseUnion());
    }
    this.expect(']');
    return args;
  }

  private parseLiteralValues(): LiteralValue[] {
    this.expect('[');
    const values: LiteralValue[] = [];
    do {
      if (values.length > 0) this.take();
      const token = this.take();
      if (token.kind === 'string' || token.kind === 'number') values.push(token.value);
      else if (token.kind === 'name' && (token.text === 'True' || token.text === 'False')) values.push(token.text === 'True');
      else if (token.kind === 'name' && token.text === 'None') values.push(null);
      else throw typeError('Literal[...] takes strings, numbers, True, False or None', this.source, token.position, "Write Literal['a', 'b'].");
    } while (this.isPunct(','));
    this.expect(']');
    return values;
  }

  private parsePrimary(): FieldType {
    const token = this.take();
    if (token.kind !== 'name') throw typeError('Expected a type name', this.source, token.position, `Use DSPy's type spelling: ${KNOWN_TYPE_NAMES}.`);
    const name = token.text.replace(/^(typing|builtins)\./, '');
    const hasArguments = this.isPunct('[');
    const arity = (args: FieldType[], expected: number): void => {
      if (args.length !== expected) {
        throw typeError(
          `${name}[...] takes ${expected} type argument(s), got ${args.length}`,
          this.source,
          token.position,
          `Write ${name === 'Optional' ? 'Optional[int]' : 'dict[str, int]'}.`,
        );
      }
    };
    switch (name) {
      case 'list':
      case 'List':
      case 'set':
      case 'Set':
      case 'tuple':
      case 'Tuple': {
        if (!hasArguments) return Object.freeze({ kind: 'list' });
        const args = this.parseArguments();
        return Object.freeze({ kind: 'list', item: args.length === 1 ? args[0] : unionOf(args) });
      }
      case 'dict':
      case 'Dict': {
        if (!hasArguments) return Object.freeze({ kind: 'dict' });
        const args = this.parseArguments();
        arity(args, 2);
        return Object.freeze({ kind: 'dict', key: args[0], value: args[1] });
      }
      case 'Optional': {
        const args = hasArguments ? this.parseArguments() : [];
        arity(args, 1);
        return unionOf([args[0], NONE_TYPE]);
      }
      case 'Union':
        return unionOf(hasArguments ? this.parseArguments() : []);
      case 'Literal':
        return Object.freeze({ kind: 'literal', values: Object.freeze(this.parseLiteralValues()) });
      default: {
        const simple = SIMPLE_TYPES[name];
        if (simple === undefined) {
          throw typeError(
            `Unknown type name "${token.text}"`,
            this.source,
            token.position,
            `Use one of ${KNOWN_TYPE_NAMES}, or a class-form signature for custom classes.`,
          );
        }
        if (hasArguments) throw typeError(`${name} takes no type arguments`, this.source, token.position, `Write plain ${name}.`);
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
  if (text.trim() === '') throw typeError('Empty type annotation', source, offset, 'Write a type after the colon, e.g. "answer: int", or drop the colon.');
  return new TypeParser(tokenize(text, source, offset), source).parseAll();
}

function literalName(value: LiteralValue): string {
  if (typeof value === 'string') return pythonStringRepr(value);
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
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
    case 'none':
      return 'NoneType';
    case 'list':
      return type.item === undefined ? 'list' : `list[${annotationName(type.item)}]`;
    case 'dict':
      return type.key === undefined || type.value === undefined ? 'dict' : `dict[${annotationName(type.key)}, ${annotationName(type.value)}]`;
    case 'literal':
      return `Literal[${type.values.map(literalName).join(', ')}]`;
    case 'union':
      return `Union[${type.members.map(annotationName).join(', ')}]`;
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
