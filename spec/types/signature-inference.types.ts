// Type tests: every DSPy type spelling maps to its TypeScript type (see docs/concepts/signatures.md).
import { ChainOfThought, Example, Predict, Prediction, Signature, signature, type InferInputs, type InferOutputs } from 'dspex';
import { expectType, valueOf, type Equal } from './expect-type';

export async function mappings(): Promise<void> {
  const predict = new Predict('question: str, k: int -> answer: float, tags: list[str]');
  const prediction = await predict.forward({ question: 'q', k: 3 });
  expectType<Equal<typeof prediction.answer, number>>();
  expectType<Equal<typeof prediction.tags, string[]>>();
  // The typed prediction is assignable to the bare Prediction.
  const bare: Prediction = prediction;
  expectType<Equal<typeof bare.anything, any>>();

  type Outputs =
    InferOutputs<'a -> s: str, i: int, f: float, b: bool, l: list[int], d: dict[str, list[str]], lit: Literal[\'x\', "y", 3, True, None], o: Optional[str], u: int | str, un: Union[int, bool], untyped, cls: Person, any: Any, t: typing.List[str]'>;
  expectType<
    Equal<
      Outputs,
      {
        s: string;
        i: number;
        f: number;
        b: boolean;
        l: number[];
        d: Record<string, string[]>;
        lit: 'x' | 'y' | 3 | true | null;
        o: string | null;
        u: number | string;
        un: number | boolean;
        untyped: string;
        cls: unknown;
        any: unknown;
        t: string[];
      }
    >
  >();
  // Optional inputs may be omitted.
  expectType<Equal<InferInputs<'question, hint: Optional[str] -> answer'>, { question: string; hint?: string | null }>>();
  // Whitespace, defaults and a line break are read as the run-time parser reads them.
  expectType<Equal<InferInputs<'  a : int = 3 ,\n b->c'>, { a: number; b: string }>>();
}

export function spellings(): void {
  // Spaces inside quoted Literal values are kept; commas, brackets and bars inside quotes do not cut the text.
  type Quoted = InferOutputs<`a -> x: Literal['very good', "it's, fine"], y: Literal['[', '|]'], z: Literal[ 1 , -2.5 ]`>;
  expectType<Equal<Quoted, { x: 'very good' | "it's, fine"; y: '[' | '|]'; z: 1 | -2.5 }>>();
  // Nested generics, unions inside them, tabs and line breaks, spaces anywhere the run-time parser allows them.
  type Nested = InferOutputs<'a -> m: dict[str, list[int | None]],\n\tn : Optional[ Union[ int, str ] ] , o: dict [str , Literal["x", "y"]]'>;
  expectType<Equal<Nested, { m: Record<string, (number | null)[]>; n: number | string | null; o: Record<string, 'x' | 'y'> }>>();
  // A default value is cut at the first '=' after the last ']'.
  expectType<Equal<InferInputs<"a: int = 3, b: Literal['='] = '=' -> c">, { a: number; b: '=' }>>();
  // Malformed type text falls back to the loose types (the run-time parser reports it).
  expectType<Equal<InferOutputs<'a -> b: list[str'>, InferOutputs<string>>>();
  expectType<Equal<InferOutputs<'a -> b: int]'>, InferOutputs<string>>>();
  expectType<Equal<InferOutputs<"a -> b: Literal['x', y]">, InferOutputs<string>>>();
  // 48 fields per side are read; a very long run of spaces falls back instead of failing to compile.
  type Fields48 =
    `${'f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, g0, g1, g2, g3, g4, g5, g6, g7, g8, g9, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9'}, ${'i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, j0, j1, j2, j3, j4, j5, j6, j7'} -> out: int`;
  expectType<Equal<keyof InferInputs<Fields48>, `${'f' | 'g' | 'h' | 'i'}${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}` | `j${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7}`>>();
  type Spaces100 = '                                                                                                    ';
  type Spaces = `${Spaces100}${Spaces100}${Spaces100}${Spaces100}${Spaces100}${Spaces100}${Spaces100}`;
  expectType<Equal<InferOutputs<`a ->${Spaces}b: int`>, { b: number }>>();
  expectType<Equal<InferOutputs<`a ->${Spaces}${Spaces}b: int`>, InferOutputs<string>>>();
}

export async function mistakes(): Promise<void> {
  const predict = new Predict('question: str, k: Optional[int] -> answer: float');
  // @ts-expect-error a typo in an input name
  await predict.forward({ questoin: 'q' });
  // @ts-expect-error a typo in an optional input name (excess property)
  await predict.forward({ question: 'q', kk: 3 });
  // @ts-expect-error a wrong input type
  await predict.forward({ question: 3 });
  const prediction = await predict.forward({ question: 'q' });
  // @ts-expect-error an output the signature does not have
  void prediction.answr;
  // @ts-expect-error a wrong output type
  const text: string = prediction.answer;
  void text;

  const classify = new Predict("text -> label: Literal['billing', 'technical']");
  const { label } = await classify.forward({ text: 't' });
  // @ts-expect-error a value the Literal does not allow
  if (label === 'sales') return;
}

export async function examplesAndLooseValues(): Promise<void> {
  const predict = new Predict('question -> answer');
  // An Example (e.g. example.inputs()) stays accepted.
  const example = new Example({ question: 'q', answer: 'a' }).withInputs('question');
  await predict.forward(example.inputs());
  // Loosely typed values keep compiling.
  const loose: Record<string, unknown> = { question: 'q' };
  await predict.forward(loose);
  await predict.forward(valueOf<Prediction>());
}

export async function looseFallback(text: string): Promise<void> {
  // A non-literal signature gives the loose types.
  const predict = new Predict(text);
  const prediction = await predict.forward({ anything: 1 });
  expectType<Equal<typeof prediction, Prediction>>();
  // So does text the type parser does not accept (the run-time parser reports it).
  expectType<Equal<InferOutputs<'a -> b -> c'>, InferOutputs<string>>>();
  // A signature past the parser's bound falls back instead of failing to compile.
  type Many =
    `${'a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9'}, ${'d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, e0, e1, e2, e3, e4, e5, e6, e7, e8, e9'} -> out`;
  expectType<Equal<InferInputs<Many>, Record<string, unknown>>>();
  expectType<Equal<InferOutputs<'a -> b: list[list[list[list[list[list[list[str]]]]]]]'>, InferOutputs<string>>>();
  // A class-form signature is loose too.
  class QA extends Signature {}
  const fromClass = await new Predict(QA).forward({ question: 'q' });
  expectType<Equal<typeof fromClass, Prediction>>();
}

export async function typedSignatureValues(): Promise<void> {
  const parsed = signature('question -> answer: int');
  const prediction = await new Predict(parsed).forward({ question: 'q' });
  expectType<Equal<typeof prediction.answer, number>>();
  // A typed Signature is still a Signature.
  const bare: Signature = Signature.parse('a: int -> b');
  void bare;
}

export async function chainOfThought(): Promise<void> {
  const cot = new ChainOfThought('question -> answer: int');
  const { reasoning, answer } = await cot.forward({ question: 'q' });
  expectType<Equal<typeof reasoning, string>>();
  expectType<Equal<typeof answer, number>>();
  // @ts-expect-error a typo through ChainOfThought
  await cot.forward({ questio: 'q' });
  // A typed predictor is assignable where a bare one is expected.
  const predictors: Predict[] = [new Predict('a -> b: int')];
  const modules: ChainOfThought[] = [cot];
  void predictors;
  void modules;
}

export class FieldInitializer {
  // A field initializer keeps its inferred type.
  generate = new ChainOfThought('question -> answer: bool');

  async run(): Promise<boolean> {
    const { answer } = await this.generate.forward({ question: 'q' });
    return answer;
  }
}
