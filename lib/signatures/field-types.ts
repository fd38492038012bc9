import { SignatureError, describeProblem } from '../errors';
import { pythonStringRepr } from '../util/python-format';

/** A literal value allowed in `Literal[...]`. */
export type LiteralValue = string | number | boolean | null;

/**
 * A field's type, parsed from DSPy's spelling (`int`, `list[str]`, `Optional[int]`, …) or taken
 * from a class. Closed set of shapes; adapters switch on `kind`.
 */
export type FieldType =
  | { readonly kind: 'str' | 'int' | 'float' | 'bool' | 'any' | 'none' }
  | { readonly kind: 'list'; readonly item?: FieldType }
  | { readonly kind: 'dict'; readonly key?: FieldType; readonly value?: FieldType }
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

type Token =
  | { readonly kind: 'name'; readonly text: string; readonly position: number }
  | { readonly kind: 'string'; readonly value: string; readonly position: number }
  | { readonly kind: 'number'; readonly value: number; readonly position: number }
  | { readonly kind: 'punct'; readonly text: '[' | ']' | ',' | '|'; readonly position: number }
  | { readonly kind: 'end'; readonly position: number };

function typeError(problem: string, source: string, position: number, fix: string): SignatureError {
  return new SignatureError(describeProblem(`${problem} at position ${position}.`, `"${source}"`, fix), { position, details: { text: source } });
}

function tokenize(text: string, source: string, offset: number): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    const position = offset + index;
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === '[' || char === ']' || char === ',' || char === '|') {
      tokens.push({ kind: 'punct', text: char, position });
      index += 1;
    } else if (char === "'" || char === '"') {
      let end = index + 1;
      let value = '';
      while (end < text.length && text[end] !== char) {
        if (text[end] === '\\' && end + 1 < text.length) {
          const escaped = text[end + 1];
          value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
          end += 2;
        } else {
          value += text[end];
          end += 1;
        }
      }
      if (end >= text.length) throw typeError('Unterminated string literal', source, position, `Close the quote ${char}.`);
      tokens.push({ kind: 'string', value, position });
      index = end + 1;
    } else if (/[-0-9]/.test(char)) {
      const match = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(index));
      if (!match) throw typeError(`Unexpected character "${char}"`, source, position, 'Write a number such as 3 or 0.5.');
      tokens.push({ kind: 'number', value: Number(match[0]), position });
      index += match[0].length;
    } else if (/[A-Za-z_]/.test(char)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(text.slice(index))!;
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
  const flat: FieldType[] = [];
  for (const member of members) {
    for (const inner of member.kind === 'union' ? member.members : [member]) {
      if (!flat.some((existing) => fieldTypeEquals(existing, inner))) flat.push(inner);
    }
  }
  return flat.length === 1 ? flat[0] : Object.freeze({ kind: 'union', members: Object.freeze(flat) });
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
        throw typeError(`${name}[...] takes ${expected} type argument(s), got ${args.length}`, this.source, token.position, `Write ${name === 'Optional' ? 'Optional[int]' : 'dict[str, int]'}.`);
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
          throw typeError(`Unknown type name "${token.text}"`, this.source, token.position, `Use one of ${KNOWN_TYPE_NAMES}, or a class-form signature for custom classes.`);
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
