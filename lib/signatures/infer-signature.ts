/**
 * Compile-time reading of DSPy signature text: a type-level parser (template literal types) of the
 * grammar `parse-signature.ts` reads at run time, mapping DSPy types to TypeScript types:
 * `str` → `string`, `int`/`float` → `number`, `bool` → `boolean`, `list[T]` → `T[]`,
 * `dict[str, T]` → `Record<string, T>`, `Literal['a', 'b']` → `'a' | 'b'`, `Optional[T]` → `T | null`
 * (and an optional input key), an untyped field → `string`, other spellings → `unknown`.
 *
 * Text the parser does not accept, text that is not a literal, and text past its bounds
 * ({@link MAX_FIELDS} fields per side, {@link MAX_DEPTH} levels of brackets, {@link MAX_STEPS}
 * delimiters per loop) give the loose types instead: never a compile error. Every recursion here is
 * bounded by those limits or is tail-recursive, so the compiler never reports "excessively deep".
 * The parser accepts a little more than the run-time parser (it does not check that names are
 * identifiers nor that they are distinct): such text fails when the module is built, at run time.
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
/** Most fields per side (and values per `Literal`, arguments per generic) the type parser reads before falling back to the loose types. */
type MAX_FIELDS = 48;
/** Most delimiters one loop visits (spaces, commas inside brackets, quotes). */
type MAX_STEPS = 200;
/** Deepest bracket nesting the type parser reads. */
type MAX_DEPTH = 6;

/*
 * How it reads, and why it is cheap for the compiler: the text is cut on its delimiters with
 * template-literal inference (`${infer Head}->${infer Tail}`, `${infer Head},${infer Tail}`, …), which
 * the compiler matches natively, so one step consumes a whole piece, never one character. Spaces
 * are removed first (outside quotes), so no piece needs trimming. Each field's type text is parsed
 * on its own, so `ParseType<'list[str]'>` is computed once per program and reused (type-alias
 * instantiations are cached by their arguments); the commonest spellings are one lookup in
 * `CommonTypes`. Loops are tail-recursive conditional types with step counters.
 */

interface ParseFailure {
  readonly parseFailure: true;
}

/** `S` without spaces (tail-recursive, up to 4 per step). */
type RemoveSpaces<S extends string, Out extends string = '', Steps extends 0[] = []> = Steps['length'] extends MAX_STEPS
  ? ParseFailure
  : S extends `${infer A} ${infer B} ${infer C} ${infer D} ${infer Rest}`
    ? RemoveSpaces<Rest, `${Out}${A}${B}${C}${D}`, [...Steps, 0]>
    : S extends `${infer A} ${infer Rest}`
      ? RemoveSpaces<Rest, `${Out}${A}`, [...Steps, 0]>
      : `${Out}${S}`;

/** `S` with line breaks and tabs turned into spaces (rare: one step each). */
type SpacesOnly<S extends string, Steps extends 0[] = []> = Steps['length'] extends MAX_STEPS
  ? ParseFailure
  : S extends `${infer A}\n${infer Rest}`
    ? SpacesOnly<`${A} ${Rest}`, [...Steps, 0]>
    : S extends `${infer A}\t${infer Rest}`
      ? SpacesOnly<`${A} ${Rest}`, [...Steps, 0]>
      : S extends `${infer A}\r${infer Rest}`
        ? SpacesOnly<`${A} ${Rest}`, [...Steps, 0]>
        : S;

/** `S` without whitespace (no quotes in `S`). */
type RemoveWhitespace<S extends string> = S extends `${string}${'\n' | '\t' | '\r'}${string}`
  ? SpacesOnly<S> extends infer Text extends string
    ? RemoveSpaces<Text>
    : ParseFailure
  : RemoveSpaces<S>;

/** `S` without whitespace outside quoted strings (quoted `Literal` values keep theirs). */
type Compact<S extends string, Out extends string = '', Steps extends 0[] = []> = Steps['length'] extends MAX_STEPS
  ? ParseFailure
  : S extends `${infer Before}'${infer Rest}`
    ? Before extends `${infer BeforeDouble}"${infer InDouble}`
      ? `${InDouble}'${Rest}` extends `${infer Quoted}"${infer After}`
        ? RemoveWhitespace<BeforeDouble> extends infer Bare extends string
          ? Compact<After, `${Out}${Bare}"${Quoted}"`, [...Steps, 0]>
          : ParseFailure
        : ParseFailure
      : Rest extends `${infer Quoted}'${infer After}`
        ? RemoveWhitespace<Before> extends infer Bare extends string
          ? Compact<After, `${Out}${Bare}'${Quoted}'`, [...Steps, 0]>
          : ParseFailure
        : ParseFailure
    : S extends `${infer Before}"${infer Rest}`
      ? Rest extends `${infer Quoted}"${infer After}`
        ? RemoveWhitespace<Before> extends infer Bare extends string
          ? Compact<After, `${Out}${Bare}"${Quoted}"`, [...Steps, 0]>
          : ParseFailure
        : ParseFailure
      : RemoveWhitespace<S> extends infer Bare extends string
        ? `${Out}${Bare}`
        : ParseFailure;

/** `S` without quoted strings, so brackets inside quotes are not counted. */
type Unquoted<S extends string, Out extends string = '', Steps extends 0[] = []> = Steps['length'] extends MAX_STEPS
  ? S
  : S extends `${infer Before}'${infer Rest}`
    ? Before extends `${infer BeforeDouble}"${infer InDouble}`
      ? `${InDouble}'${Rest}` extends `${string}"${infer After}`
        ? Unquoted<After, `${Out}${BeforeDouble}`, [...Steps, 0]>
        : `${Out}${S}`
      : Rest extends `${string}'${infer After}`
        ? Unquoted<After, `${Out}${Before}`, [...Steps, 0]>
        : `${Out}${S}`
    : S extends `${infer Before}"${infer Rest}`
      ? Rest extends `${string}"${infer After}`
        ? Unquoted<After, `${Out}${Before}`, [...Steps, 0]>
        : `${Out}${S}`
      : `${Out}${S}`;

/** How many times `Char` occurs in `S` (one step per occurrence). */
type Occurrences<S extends string, Char extends string, Count extends 0[] = []> = Count['length'] extends MAX_STEPS
  ? -1
  : S extends `${string}${Char}${infer Rest}`
    ? Occurrences<Rest, Char, [...Count, 0]>
    : Count['length'];

/** Whether `S` closes every `[` it opens (outside quotes), counting. */
type CountsBalance<S extends string> =
  Unquoted<S> extends infer Bare extends string ? (Occurrences<Bare, '['> extends Occurrences<Bare, ']'> ? true : false) : false;

/** Whether `S` closes every `[` it opens (outside quotes); one bracket pair without quotes is the quick case. */
type IsBalanced<S extends string> = S extends `${string}[${infer Rest}`
  ? Rest extends `${string}${'[' | "'" | '"'}${string}`
    ? CountsBalance<S>
    : Rest extends `${string}]${string}`
      ? true
      : false
  : true;

/**
 * `S` cut on each `Separator` outside brackets and quotes: the pieces, or a failure past
 * {@link MAX_FIELDS} pieces or {@link MAX_STEPS} separators. `Open` is the unfinished piece.
 */
type SplitTop<
  S extends string,
  Separator extends string,
  Pieces extends string[] = [],
  Open extends string = '',
  Steps extends 0[] = [],
> = Steps['length'] extends MAX_STEPS
  ? ParseFailure
  : Pieces['length'] extends MAX_FIELDS
    ? ParseFailure
    : S extends `${infer Head}${Separator}${infer Tail}`
      ? Open extends ''
        ? IsBalanced<Head> extends true
          ? SplitTop<Tail, Separator, [...Pieces, Head], '', [...Steps, 0]>
          : SplitTop<Tail, Separator, Pieces, `${Head}${Separator}`, [...Steps, 0]>
        : // Inside brackets, a piece without ']' or quotes cannot close them.
          Head extends `${string}${']' | "'" | '"'}${string}`
          ? IsBalanced<`${Open}${Head}`> extends true
            ? SplitTop<Tail, Separator, [...Pieces, `${Open}${Head}`], '', [...Steps, 0]>
            : SplitTop<Tail, Separator, Pieces, `${Open}${Head}${Separator}`, [...Steps, 0]>
          : SplitTop<Tail, Separator, Pieces, `${Open}${Head}${Separator}`, [...Steps, 0]>
      : [...Pieces, `${Open}${S}`];

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

/** The commonest spellings (without spaces), read in one lookup. */
interface CommonTypes extends SimpleTypes {
  'list[str]': string[];
  'list[int]': number[];
  'list[float]': number[];
  'list[bool]': boolean[];
  'dict[str,str]': Record<string, string>;
  'dict[str,int]': Record<string, number>;
  'dict[str,float]': Record<string, number>;
  'dict[str,bool]': Record<string, boolean>;
  'dict[str,Any]': Record<string, unknown>;
  'Optional[str]': string | null;
  'Optional[int]': number | null;
  'Optional[float]': number | null;
  'Optional[bool]': boolean | null;
}

type ListNames = 'list' | 'List' | 'set' | 'Set' | 'tuple' | 'Tuple';
type DictNames = 'dict' | 'Dict';
/** A name holds no bracket: one means the text was not cut as the grammar says (the run-time parser reports it). */
type IsName<S extends string> = S extends '' ? false : S extends `${string}${'[' | ']'}${string}` ? false : true;

/** `typing.List` and `builtins.str` name the same types as `List` and `str`. */
type StripModule<Name extends string> = Name extends `typing.${infer Rest}` ? Rest : Name extends `builtins.${infer Rest}` ? Rest : Name;

/** A type name without arguments: DSPy's plain types, `unknown` for other names (classes). */
type ParseName<T extends string> =
  StripModule<T> extends infer Name extends string
    ? Name extends keyof SimpleTypes
      ? SimpleTypes[Name]
      : IsName<Name> extends true
        ? unknown
        : ParseFailure
    : ParseFailure;

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
        : IsName<Name> extends true
          ? unknown
          : ParseFailure;

/** One `Literal` value token (not quoted): `True`, `False`, `None` or a number. */
type LiteralToken<T extends string> = T extends 'True'
  ? true
  : T extends 'False'
    ? false
    : T extends 'None'
      ? null
      : T extends `${infer Value extends number}`
        ? Value
        : ParseFailure;

/** `[value, rest]` for the `Literal` value at the start of `S`. */
type ParseLiteralValue<S extends string> = S extends `'${infer Value}'${infer Rest}`
  ? [Value, Rest]
  : S extends `"${infer Value}"${infer Rest}`
    ? [Value, Rest]
    : S extends `${infer Token},${infer Rest}`
      ? [LiteralToken<Token>, `,${Rest}`]
      : [LiteralToken<S>, ''];

/** The values inside `Literal[...]`, as a union (tail-recursive). */
type ParseLiteralValues<S extends string, Values = never, Count extends 0[] = []> = Count['length'] extends MAX_FIELDS
  ? ParseFailure
  : ParseLiteralValue<S> extends [infer Value, infer Rest extends string]
    ? [Value] extends [ParseFailure]
      ? ParseFailure
      : Rest extends `,${infer Next}`
        ? ParseLiteralValues<Next, Values | Value, [...Count, 0]>
        : Rest extends ''
          ? Values | Value
          : ParseFailure
    : ParseFailure;

/** The parsed types of several pieces, or a failure when one fails. */
type ParseEach<Pieces extends string[], Depth extends 0[]> = { [K in keyof Pieces]: ParseType<Pieces[K], Depth> } extends infer Types extends unknown[]
  ? [Extract<Types[number], ParseFailure>] extends [never]
    ? Types
    : ParseFailure
  : ParseFailure;

/** `Name[arguments]`, or a plain name. */
type ParseApplied<T extends string, Depth extends 0[]> = T extends `${infer RawName}[${infer Inside}]`
  ? StripModule<RawName> extends infer Name extends string
    ? Name extends 'Literal'
      ? ParseLiteralValues<Inside>
      : SplitTop<Inside, ','> extends infer Pieces extends string[]
        ? ParseEach<Pieces, [...Depth, 0]> extends infer Args extends unknown[]
          ? ApplyGeneric<Name, Args>
          : ParseFailure
        : ParseFailure
    : ParseFailure
  : ParseName<T>;

/** The TypeScript type of type text without spaces outside quotes (`'list[int]|None'`), or a failure. */
type ParseType<T extends string, Depth extends 0[] = []> = Depth['length'] extends MAX_DEPTH
  ? ParseFailure
  : T extends keyof CommonTypes
    ? CommonTypes[T]
    : T extends `${string}|${string}`
      ? SplitTop<T, '|'> extends infer Alternatives extends string[]
        ? Alternatives extends [string]
          ? ParseApplied<T, Depth>
          : ParseEach<Alternatives, Depth> extends infer Types extends unknown[]
            ? Types[number]
            : ParseFailure
        : ParseFailure
      : ParseApplied<T, Depth>;

/** One parsed field: its name and its type. */
type FieldEntry = [name: string, type: unknown];

/** Cuts a default value (`k: int = 3`, accepted and ignored as DSPy does): at the first `=` after the last `]`. */
type WithoutDefault<S extends string, Kept extends string = '', Steps extends 0[] = []> = Steps['length'] extends MAX_STEPS
  ? S
  : S extends `${infer Before}]${infer Rest}`
    ? WithoutDefault<Rest, `${Kept}${Before}]`, [...Steps, 0]>
    : S extends `${infer Before}=${string}`
      ? `${Kept}${Before}`
      : `${Kept}${S}`;

/** `name` or `name:TYPE` (one piece of a side, without spaces); a failed type stays in the entry, found once per signature. */
type ParseField<Piece extends string> = Piece extends `${string}=${string}`
  ? WithoutDefault<Piece> extends infer Kept extends string
    ? ParseTypedField<Kept>
    : ParseFailure
  : ParseTypedField<Piece>;

type ParseTypedField<Piece extends string> = Piece extends `${infer Name}:${infer TypeText}` ? [Name, ParseType<TypeText>] : [Piece, string];

/** The fields of a side without brackets: cut on every comma (tail-recursive). */
type ParsePlainFields<S extends string, Fields extends FieldEntry[] = []> = Fields['length'] extends MAX_FIELDS
  ? ParseFailure
  : S extends `${infer Head},${infer Tail}`
    ? ParsePlainFields<Tail, [...Fields, ParseField<Head>]>
    : [...Fields, ParseField<S>];

/** Whether the piece `Open` + `Head` closes its brackets (`Open`: the text since the last top-level comma). */
type Closes<Open extends string, Head extends string> = Open extends ''
  ? IsBalanced<Head>
  : // Inside brackets, a piece without ']' or quotes cannot close them.
    Head extends `${string}${']' | "'" | '"'}${string}`
    ? IsBalanced<`${Open}${Head}`>
    : false;

/** The fields of a side with brackets: cut on the commas outside them (tail-recursive). */
type ParseFields<S extends string, Fields extends FieldEntry[] = [], Open extends string = '', Steps extends 0[] = []> = Steps['length'] extends MAX_STEPS
  ? ParseFailure
  : Fields['length'] extends MAX_FIELDS
    ? ParseFailure
    : S extends `${infer Head},${infer Tail}`
      ? Closes<Open, Head> extends true
        ? ParseFields<Tail, [...Fields, ParseField<`${Open}${Head}`>], '', [...Steps, 0]>
        : ParseFields<Tail, Fields, `${Open}${Head},`, [...Steps, 0]>
      : [...Fields, ParseField<`${Open}${S}`>];

/** One side's fields (text without spaces outside quotes), or a failure. */
type ParseSide<S extends string> = S extends '' ? [] : S extends `${string}[${string}` ? ParseFields<S> : ParsePlainFields<S>;

/** Whether every entry has a name and a type the parser read. */
type AllRead<Fields extends unknown[]> = [Extract<Fields[number], ['', unknown] | [string, ParseFailure] | ParseFailure>] extends [never] ? true : false;

/** `[input entries, output entries]`, or a failure. */
type ParseSignature<S extends string> =
  Compact<S> extends `${infer Inputs}->${infer Outputs}`
    ? Outputs extends `${string}->${string}`
      ? ParseFailure
      : [ParseSide<Inputs>, ParseSide<Outputs>] extends [infer InputFields extends FieldEntry[], infer OutputFields extends FieldEntry[]]
        ? AllRead<[...InputFields, ...OutputFields]> extends true
          ? [InputFields, OutputFields]
          : ParseFailure
        : ParseFailure
    : ParseFailure;

type FieldObject<Fields extends FieldEntry[]> = Simplify<{ [F in Fields[number] as F[0]]: F[1] }>;
/** Inputs whose type admits `None` may be omitted. */
type InputObject<Fields extends FieldEntry[]> = null extends Fields[number][1]
  ? Simplify<{ [F in Fields[number] as null extends F[1] ? never : F[0]]: F[1] } & { [F in Fields[number] as null extends F[1] ? F[0] : never]?: F[1] }>
  : FieldObject<Fields>;

/** The TypeScript type of one DSPy type spelling (`'list[int]'` → `number[]`); `unknown` when the parser does not accept it. */
export type InferFieldType<T extends string> = string extends T
  ? unknown
  : T extends keyof CommonTypes
    ? CommonTypes[T]
    : Compact<T> extends infer Text extends string
      ? ParseType<Text> extends infer Type
        ? [Type] extends [ParseFailure]
          ? unknown
          : Type
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
    ? FieldObject<Outputs>
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
