import { Signature, SignatureError } from '../../lib';

describe('Signature.parse with hostile text', () => {
  it('refuses types nested more than 100 levels with SignatureError', () => {
    expect(() => Signature.parse(`question -> answer: ${'list['.repeat(5_000)}int${']'.repeat(5_000)}`)).toThrow(SignatureError);
    expect(() => Signature.parse(`question -> answer: ${'list['.repeat(101)}int${']'.repeat(101)}`)).toThrow(SignatureError);
  });

  it('accepts types nested 100 levels', () => {
    const signature = Signature.parse(`question -> answer: ${'list['.repeat(100)}int${']'.repeat(100)}`);
    expect(signature.outputFields[0].annotation).toBe(`${'list['.repeat(100)}int${']'.repeat(100)}`);
  });

  it('drops duplicate union members, keeping the first of each', () => {
    const signature = Signature.parse("question -> answer: Union[int, Literal['a'], int, Literal['a'], Literal[1], str, Literal['1']]");
    expect(signature.outputFields[0].annotation).toBe("Union[int, Literal['a'], Literal[1], str, Literal['1']]");
  });

  it('tells one-value Literal members apart by value and type, as Python does', () => {
    const signature = Signature.parse(
      "question -> answer: Literal['1'] | Literal[1] | Literal[True] | Literal['True'] | Literal[None] | None | Literal[1, 2] | Literal[1]",
    );
    expect(signature.outputFields[0].annotation).toBe(
      "Union[Literal['1'], Literal[1], Literal[True], Literal['True'], Literal[None], NoneType, Literal[1, 2]]",
    );
  });

  it('quotes Literal strings as repr() does', () => {
    const signature = Signature.parse(`question -> answer: Literal["it's", 'say "hi"', 'both \\' and "', 'tab\\t', 'plain']`);
    expect(signature.outputFields[0].annotation).toBe(`Literal["it's", 'say "hi"', 'both \\' and "', 'tab\\t', 'plain']`);
  });

  it('quotes long Literal strings and ones with a line break or tab as repr() does', () => {
    const long = 'x'.repeat(40);
    const signature = Signature.parse(`question -> answer: Literal['${long}\\t', '${long}', 'a\\nb', 'c\rd', "e'f"]`);
    expect(signature.outputFields[0].annotation).toBe(`Literal['${long}\\t', '${long}', 'a\\nb', 'c\\rd', "e'f"]`);
  });

  it('reads type names as spelled, a misspelling of the same length being unknown', () => {
    for (const name of ['Literak', 'Unian', 'Optionol', 'lisT', 'Dicts', 'Non', 'NoneTyp', 'dspy.Imaga', 'Frozenset', 'Tru']) {
      expect(() => Signature.parse(`question -> answer: ${name}`)).toThrow(`Unknown type name "${name}"`);
    }
    expect(Signature.parse("question -> answer: typing.Union[typing.Literal['a'], typing.List[int], dspy.Image]").outputFields[0].annotation).toBe(
      "Union[Literal['a'], list[int], Image]",
    );
  });

  it('drops repeated Literal members when many values share a slot of the de-duplication table', () => {
    // Multiples of 2 ** 16 all hash to the same slot: the table hands over to a Set after a long probe run.
    const values = Array.from({ length: 100 }, (_, index) => index * 65_536);
    const written = [...values, ...values.slice(0, 40).reverse(), 3, -0, "'0'", ...values.slice(60)];
    const signature = Signature.parse(`question -> answer: ${written.map((value) => `Literal[${value}]`).join(' | ')}`);
    const type = signature.outputFields[0].type;
    const kept = type.kind === 'union' ? type.members.map((member) => (member.kind === 'literal' ? member.values[0] : member.kind)) : [];
    expect(kept).toEqual([...values, 3, '0']);
  });

  it('drops repeated Literal members of every value type, keeping the first of each', () => {
    const written = ["'a'", '1', 'True', 'None', "'1'", '1.5', "'a'", '1', '1.0', 'True', 'False', 'None', '1.5', "'True'", '"a"', '-0', '0'];
    const signature = Signature.parse(`question -> answer: Union[${written.map((value) => `Literal[${value}]`).join(', ')}]`);
    expect(signature.outputFields[0].annotation).toBe(
      "Union[Literal['a'], Literal[1], Literal[True], Literal[None], Literal['1'], Literal[1.5], Literal[False], Literal['True'], Literal[0]]",
    );
  });

  it('names a union with no members, one member, and nested unions as DSPy prints them', () => {
    expect(Signature.parse('question -> answer: Union').outputFields[0].annotation).toBe('Union[]');
    expect(Signature.parse('question -> answer: Union[int]').outputFields[0].annotation).toBe('int');
    expect(Signature.parse('question -> answer: Union[int, Optional[str]] | list[int | None]').outputFields[0].annotation).toBe(
      'Union[int, str, NoneType, list[Union[int, NoneType]]]',
    );
  });

  it('drops repeated values within one Literal, in short and long value lists', () => {
    expect(Signature.parse("question -> answer: Literal[1, 1.0, True, 'x', 'x', False, 0]").outputFields[0].annotation).toBe("Literal[1, True, 'x', False, 0]");
    const long = Signature.parse("question -> answer: Literal['a', 1, 'a', True, '1', 1, -0, 0, None, 'b', 'c', 2, 3, 'a', 4, 5, True, 'd', None, 5]");
    expect(long.outputFields[0].annotation).toBe("Literal['a', 1, True, '1', 0, None, 'b', 'c', 2, 3, 4, 5, 'd']");
  });

  it.each([
    ["Literal['a'] | Literal['b c'] | Literal['']", "Union[Literal['a'], Literal['b c'], Literal['']]"],
    [`Literal['a'] | Literal["it's"] | Literal['b']`, `Union[Literal['a'], Literal["it's"], Literal['b']]`],
    ['Literal[-0] | Literal[1.5] | Literal[1e3] | Literal[2]', 'Union[Literal[0], Literal[1.5], Literal[1000], Literal[2]]'],
    ['Literal[True] | Literal[False]', 'Union[Literal[True], Literal[False]]'],
    ["Literal['a'] | Literal[1]", "Union[Literal['a'], Literal[1]]"],
    ["Literal['a', 'b'] | Literal['c']", "Union[Literal['a', 'b'], Literal['c']]"],
  ])('names a union of Literal members %p as %p', (type, annotation) => {
    expect(Signature.parse(`question -> answer: ${type}`).outputFields[0].annotation).toBe(annotation);
  });

  it('reads Literal numbers as Python does, short digit runs included', () => {
    const type = Signature.parse('question -> answer: Literal[-0, 007, 123456789, 1234567890, -999999999, -1234567890, 1.5, -2.5e3, 0.0]').outputFields[0].type;
    const values = type.kind === 'literal' ? type.values : [];
    expect(values).toEqual([-0, 7, 123456789, 1234567890, -999999999, -1234567890, 1.5, -2500]);
    expect(Object.is(values[0], -0)).toBe(true);
  });

  it('keeps 16,000 distinct union members', () => {
    const members = Array.from({ length: 16_000 }, (_, index) => `Literal[${index}]`);
    const signature = Signature.parse(`question -> answer: ${members.join(' | ')}`);
    const type = signature.outputFields[0].type;
    expect(type.kind === 'union' && type.members.length).toBe(16_000);
    expect(signature.outputFields[0].annotation).toBe(`Union[${members.join(', ')}]`);
  });

  it('ignores a default value after the type, even after a long "=" run', () => {
    expect(Signature.parse('question -> answer: list[int] = 3').outputFields[0].annotation).toBe('list[int]');
    expect(Signature.parse(`question -> answer: int ${'='.repeat(10_000)}`).outputFields[0].annotation).toBe('int');
    expect(() => Signature.parse(`question -> answer: int ${'='.repeat(10_000)}]`)).toThrow(SignatureError);
  });

  it('keeps error messages short for huge signature text', () => {
    try {
      Signature.parse(`question -> answer: ${'['.repeat(100_000)}`);
    } catch (error) {
      expect((error as SignatureError).message.length).toBeLessThan(1_000);
      return;
    }
    throw new Error('expected a SignatureError');
  });
});

describe('Signature.parse: brackets, quotes and dotted names, read character by character', () => {
  const outcome = (text: string): string => {
    try {
      return Signature.parse(text)
        .fields.map((field) => `${field.name}: ${field.annotation}`)
        .join('; ');
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      return `position ${error.position}: ${error.message.split(' at position')[0]}`;
    }
  };

  it.each([
    ['q -> a: x.', 'position 9: Unexpected character "." in a type'],
    ['q -> a: typing..List', 'position 14: Unexpected character "." in a type'],
    ['q -> a: List.', 'position 12: Unexpected character "." in a type'],
    ['q -> a: dspy.Image.x', 'position 8: Unknown type name "dspy.Image.x"'],
    ['q -> a: typing.List.[int]', 'position 19: Unexpected character "." in a type'],
    ['q -> a: list[é]', 'position 13: Unexpected character "é" in a type'],
    ['q -> a: list[_a.b_]', 'position 13: Unknown type name "_a.b_"'],
    ['q -> a: typing.Dict[str, builtins.int]', 'q: str; a: dict[str, int]'],
    ['q -> a: list[int)', 'position 16: Unmatched ")"'],
    ['q, b: dict[str, (int] -> a', 'position 20: Unmatched "]"'],
    ['q = {1: [2, (3,)]}, b = "]" -> a', 'q: str; b: str; a: str'],
    ["q -> a: Literal['x]", 'position 16: Unterminated string literal'],
    ['q: list[int, -> a', 'position 7: Unclosed "["'],
    ['q -> a: Literal["a\\"b", \'c\\\\\']', "q: str; a: Literal['a\"b', 'c\\\\']"],
    ['q = \'=\', r: int = "a,b" -> a: int', 'q: str; r: int; a: int'],
  ])('reads %p: %s', (text, expected) => {
    expect(outcome(text)).toBe(expected);
  });
});
