/**
 * Compile-time reading of DSPy signature text: a type-level parser (template literal types) of the
 * grammar `parse-signature.ts` reads at run time, mapping DSPy types to TypeScript types:
 * `str` → `string`, `int`/`float` → `number`, `bool` → `boolean`, `list[T]` → `T[]`,
 * `dict[str, T]` → `Record<string, T>`, `Literal['a', 'b']` → `'a' | 'b'`, `Optional[T]` → `T | null`
 * (and an optional input key), an untyped field → `string`, other spellings → `unknown`.
 *
 * Text the parser does not accept, text that is not a literal, and text past its bounds
 * ({@link MAX_FIELDS} fields per side, {@link MAX_DEPTH} levels of brackets, names up to
 * {@link MAX_NAME_LENGTH} characters) give the loose types instead: never a compile error. Every
 * recursion here is bounded by those limits or is tail-recursive, so the compiler never reports
 * "excessively deep".
 */

/** Keeps a typed signature's field types on the `Signature` instance type (never set at run time). */
export declare const SIGNATURE_TYPES: unique symbol;

/**
 * The loose field object: what a non-literal signature's outputs are. Its index type is the one
 * `any` of dspex's public types (API.md), so that code written before typed signatures keeps compiling.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFields = { [field: string]: any };

/** The loose inputs of a signature the compiler cannot read. */
export type LooseInputs = Record<string, unknown>;

/** Flattens an intersection into one object type (for readable hovers and error messages). */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

// Bounds: "MAX_FIELDS" and friends are the tuple lengths below.
/** Most fields per side the type parser reads before falling back to the loose types. */
type MAX_FIELDS = 48;
/** Deepest bracket nesting the type parser reads. */
type MAX_DEPTH = 6;
/** Longest field or type name the type parser reads. */
type MAX_NAME_LENGTH = 64;

interface ParseFailure {
  readonly parseFailure: true;
}

type Space = ' ' | '\n' | '\t' | '\r';
type TrimLeft<S extends string> = S extends `    ${infer Rest}` ? TrimLeft<Rest> : S extends `${Space}${infer Rest}` ? TrimLeft<Rest> : S;

type Letter =
  | 'a'
  | 'b'
  | 'c'
  | 'd'
  | 'e'
  | 'f'
  | 'g'
  | 'h'
  | 'i'
  | 'j'
  | 'k'
  | 'l'
  | 'm'
  | 'n'
  | 'o'
  | 'p'
  | 'q'
  | 'r'
  | 's'
  | 't'
  | 'u'
  | 'v'
  | 'w'
  | 'x'
  | 'y'
  | 'z'
  | 'A'
  | 'B'
  | 'C'
  | 'D'
  | 'E'
  | 'F'
  | 'G'
  | 'H'
  | 'I'
  | 'J'
  | 'K'
  | 'L'
  | 'M'
  | 'N'
  | 'O'
  | 'P'
  | 'Q'
  | 'R'
  | 'S'
  | 'T'
  | 'U'
  | 'V'
  | 'W'
  | 'X'
  | 'Y'
  | 'Z';
type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';
type NameChar = Letter | Digit | '_';
type TypeNameChar = NameChar | '.';
type NumberChar = Digit | '-' | '+' | '.' | 'e' | 'E';

/** Reads the longest prefix of `S` made of `Chars`: `[prefix, rest]`, or a failure past the length bound. */
type ReadWhile<S extends string, Chars extends string, Taken extends string = '', Count extends 0[] = []> = Count['length'] extends MAX_NAME_LENGTH
  ? ParseFailure
  : S extends `${infer Char}${infer Rest}`
    ? Char extends Chars
      ? ReadWhile<Rest, Chars, `${Taken}${Char}`, [...Count, 0]>
      : [Taken, S]
    : [Taken, S];

/** DSPy's plain type names. */
interface SimpleTypes {
  str: string;
  int: number;
  float: number;
  bool: boolean;
  Any: unknown;
  None: null;
  NoneType: null;
  list: unknown[];
  List: unknown[];
  set: unknown[];
  Set: unknown[];
  tuple: unknown[];
  Tuple: unknown[];
  dict: Record<string, unknown>;
  Dict: Record<string, unknown>;
}

type ListNames = 'list' | 'List' | 'set' | 'Set' | 'tuple' | 'Tuple';
type DictNames = 'dict' | 'Dict';

/** `typing.List` and `builtins.str` name the same types as `List` and `str`. */
type StripModule<Name extends string> = Name extends `typing.${infer Rest}` ? Rest : Name extends `builtins.${infer Rest}` ? Rest : Name;

/** The type a generic name with arguments stands for. */
type ApplyGeneric<Name extends string, Args extends unknown[]> = Name extends ListNames
  ? Args[number][]
  : Name extends DictNames
    ? Args extends [unknown, infer Value]
      ? Record<string, Value>
      : ParseFailure
    : Name extends 'Optional'
      ? Args extends [infer Inner]
        ? Inner | null
        : ParseFailure
      : Name extends 'Union'
        ? Args[number]
        : unknown;

/** `'a'`, `"b"`, `3`, `True`, `False` or `None`, then the rest. */
type ParseLiteralValue<S extends string> = S extends `'${infer Value}'${infer Rest}`
  ? [Value, Rest]
  : S extends `"${infer Value}"${infer Rest}`
    ? [Value, Rest]
    : S extends `True${infer Rest}`
      ? [true, Rest]
      : S extends `False${infer Rest}`
        ? [false, Rest]
        : S extends `None${infer Rest}`
          ? [null, Rest]
          : ReadWhile<S, NumberChar> extends [infer Text extends string, infer Rest extends string]
            ? Text extends `${infer Value extends number}`
              ? [Value, Rest]
              : ParseFailure
            : ParseFailure;

/** The values of `Literal[...]` after the `[`: `[union of values, rest after ']']`. */
type ParseLiteralValues<S extends string, Values = never, Count extends 0[] = []> = Count['length'] extends MAX_FIELDS
  ? ParseFailure
  : ParseLiteralValue<TrimLeft<S>> extends [infer Value, infer Rest extends string]
    ? TrimLeft<Rest> extends `,${infer Next}`
      ? ParseLiteralValues<Next, Values | Value, [...Count, 0]>
      : TrimLeft<Rest> extends `]${infer After}`
        ? [Values | Value, After]
        : ParseFailure
    : ParseFailure;

/** The type arguments after a `[`: `[argument types, rest after ']']`. */
type ParseArguments<S extends string, Depth extends 0[], Args extends unknown[] = []> = Args['length'] extends MAX_FIELDS
  ? ParseFailure
  : ParseUnion<TrimLeft<S>, Depth> extends [infer Type, infer Rest extends string]
    ? TrimLeft<Rest> extends `,${infer Next}`
      ? ParseArguments<Next, Depth, [...Args, Type]>
      : TrimLeft<Rest> extends `]${infer After}`
        ? [[...Args, Type], After]
        : ParseFailure
    : ParseFailure;

/** One type name, with its bracketed arguments if any: `[type, rest]`. */
type ParsePrimary<S extends string, Depth extends 0[]> = Depth['length'] extends MAX_DEPTH
  ? ParseFailure
  : ReadWhile<S, TypeNameChar> extends [infer RawName extends string, infer Rest extends string]
    ? RawName extends ''
      ? ParseFailure
      : StripModule<RawName> extends infer Name extends string
        ? TrimLeft<Rest> extends `[${infer Inside}`
          ? Name extends 'Literal'
            ? ParseLiteralValues<Inside>
            : ParseArguments<Inside, [...Depth, 0]> extends [infer Args extends unknown[], infer After extends string]
              ? ApplyGeneric<Name, Args> extends infer Applied
                ? Applied extends ParseFailure
                  ? ParseFailure
                  : [Applied, After]
                : never
              : ParseFailure
          : [Name extends keyof SimpleTypes ? SimpleTypes[Name] : unknown, Rest]
        : never
    : ParseFailure;

/** A type with `|` alternatives: `[type, rest]`. */
type ParseUnion<S extends string, Depth extends 0[]> =
  ParsePrimary<S, Depth> extends [infer Type, infer Rest extends string]
    ? TrimLeft<Rest> extends `|${infer Next}`
      ? ParseUnion<TrimLeft<Next>, Depth> extends [infer Other, infer After extends string]
        ? [Type | Other, After]
        : ParseFailure
      : [Type, Rest]
    : ParseFailure;

/** One parsed field: its name, its type, and whether `None` is allowed (an input that may be omitted). */
type FieldEntry = [name: string, type: unknown, optional: boolean];

/** Skips a default value (`k: int = 3`), which DSPy accepts and ignores, up to the next comma. */
type SkipDefault<S extends string> = TrimLeft<S> extends `=${infer Value}` ? (Value extends `${string},${infer Rest}` ? `,${Rest}` : '') : S;

type Entry<Name extends string, Type> = [Name, Type, null extends Type ? true : false];

/** `name` or `name: TYPE`: `[entry, rest]`. */
type ParseField<S extends string> =
  ReadWhile<S, NameChar> extends [infer Name extends string, infer Rest extends string]
    ? Name extends ''
      ? ParseFailure
      : TrimLeft<Rest> extends `:${infer TypeText}`
        ? ParseUnion<TrimLeft<TypeText>, []> extends [infer Type, infer After extends string]
          ? [Entry<Name, Type>, SkipDefault<After>]
          : ParseFailure
        : [Entry<Name, string>, SkipDefault<Rest>]
    : ParseFailure;

/** A comma-separated field list (tail-recursive). */
type ParseFields<S extends string, Fields extends FieldEntry[] = []> = Fields['length'] extends MAX_FIELDS
  ? ParseFailure
  : ParseField<TrimLeft<S>> extends [infer Field extends FieldEntry, infer Rest extends string]
    ? TrimLeft<Rest> extends ''
      ? [...Fields, Field]
      : TrimLeft<Rest> extends `,${infer Next}`
        ? ParseFields<Next, [...Fields, Field]>
        : ParseFailure
    : ParseFailure;

type ParseSide<S extends string> = TrimLeft<S> extends '' ? [] : ParseFields<S>;

/** `[input entries, output entries]`, or a failure. */
type ParseSignature<S extends string> = S extends `${infer Inputs}->${infer Outputs}`
  ? Outputs extends `${string}->${string}`
    ? ParseFailure
    : ParseSide<Inputs> extends infer InputFields extends FieldEntry[]
      ? ParseSide<Outputs> extends infer OutputFields extends FieldEntry[]
        ? [InputFields, OutputFields]
        : ParseFailure
      : ParseFailure
  : ParseFailure;

type RequiredKeys<Fields extends FieldEntry[]> = { [F in Fields[number] as F[2] extends true ? never : F[0]]: F[1] };
type OptionalKeys<Fields extends FieldEntry[]> = { [F in Fields[number] as F[2] extends true ? F[0] : never]?: F[1] };
type InputObject<Fields extends FieldEntry[]> = Simplify<RequiredKeys<Fields> & OptionalKeys<Fields>>;
type OutputObject<Fields extends FieldEntry[]> = Simplify<{ [F in Fields[number] as F[0]]: F[1] }>;

/** The TypeScript type of one DSPy type spelling (`'list[int]'` → `number[]`); `unknown` when the parser does not accept it. */
export type InferFieldType<T extends string> = string extends T
  ? unknown
  : ParseUnion<TrimLeft<T>, []> extends [infer Type, infer Rest extends string]
    ? TrimLeft<Rest> extends ''
      ? Type
      : unknown
    : unknown;

/** The inputs object a signature text declares (`'question: str, k: int -> answer'` → `{ question: string; k: number }`). */
export type InferInputs<S extends string> = string extends S
  ? LooseInputs
  : ParseSignature<S> extends [infer Inputs extends FieldEntry[], FieldEntry[]]
    ? InputObject<Inputs>
    : LooseInputs;

/** The outputs object a signature text declares (`'question -> answer: float'` → `{ answer: number }`). */
export type InferOutputs<S extends string> = string extends S
  ? AnyFields
  : ParseSignature<S> extends [FieldEntry[], infer Outputs extends FieldEntry[]]
    ? OutputObject<Outputs>
    : AnyFields;

/** Something that carries typed fields: a typed `Signature` (see `signature(inputs, outputs)`). */
interface TypedFieldsCarrier<I, O> {
  readonly [SIGNATURE_TYPES]?: { readonly inputs: I; readonly outputs: O };
}

/**
 * The inputs of anything dspex accepts as a signature: literal text is parsed, a typed `Signature`
 * carries its own; a class-form signature or non-literal text is loose (`Record<string, unknown>`).
 */
export type SignatureInputs<S> = S extends string
  ? InferInputs<S>
  : S extends TypedFieldsCarrier<infer I, unknown>
    ? object extends I
      ? LooseInputs
      : I
    : LooseInputs;

/** The outputs of anything dspex accepts as a signature (loose: `{ [field: string]: any }`). */
export type SignatureOutputs<S> = S extends string
  ? InferOutputs<S>
  : S extends TypedFieldsCarrier<unknown, infer O>
    ? object extends O
      ? AnyFields
      : O
    : AnyFields;

/**
 * A value typed loosely, with an index signature (`Record<string, unknown>`), accepted where typed
 * inputs are expected so that loosely typed code keeps compiling; an object literal of known keys
 * is checked against the typed inputs instead.
 */
export type LooselyTyped<T> = string extends keyof T ? T : never;
