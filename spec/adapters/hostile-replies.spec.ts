import { AdapterParseError, ChatAdapter, JSONAdapter, Signature } from '../../lib';

const deepList = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

describe('ChatAdapter.parse and JSONAdapter.parse with hostile replies', () => {
  it('refuses a 10,000-deep JSON reply with AdapterParseError', () => {
    expect(() => new JSONAdapter().parse('question -> answer: list[Any]', `{"answer": ${deepList(10_000)}}`)).toThrow(AdapterParseError);
    expect(() => new ChatAdapter().parse('question -> answer: list[Any]', `[[ ## answer ## ]]\n${deepList(10_000)}`)).toThrow(AdapterParseError);
  });

  it('names the depth limit when nesting is refused', () => {
    const error = (() => {
      try {
        new JSONAdapter().parse('question -> answer: Any', `{"answer": ${deepList(101)}}`);
      } catch (caught) {
        return caught as AdapterParseError;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ code: 'ADAPTER_PARSE', details: { maxDepth: 100 } });
  });

  it('accepts values nested exactly 100 levels deep', () => {
    const parsed = new JSONAdapter().parse('question -> answer: Any', `{"answer": ${deepList(99)}}`);
    expect(JSON.stringify(parsed.answer)).toBe(deepList(99));
    expect(new ChatAdapter().parse('question -> answer: list[Any]', `[[ ## answer ## ]]\n${deepList(100)}`).answer).toHaveLength(1);
  });

  it('refuses a 101-deep value in a ChatAdapter field', () => {
    expect(() => new ChatAdapter().parse('question -> answer: Any', `[[ ## answer ## ]]\n${deepList(101)}`)).toThrow(AdapterParseError);
  });

  it('fails a long digit run in a float field with AdapterParseError', () => {
    expect(() => new ChatAdapter().parse('question -> answer: float', `[[ ## answer ## ]]\n${'7'.repeat(50_000)}x`)).toThrow(AdapterParseError);
    expect(new ChatAdapter().parse('question -> answer: float', '[[ ## answer ## ]]\n12.5e2').answer).toBe(1250);
    expect(new ChatAdapter().parse('question -> answer: float', '[[ ## answer ## ]]\n12.').answer).toBe(12);
  });

  it('finds the first balanced object after many unclosed braces', () => {
    expect(new JSONAdapter().parse('question -> answer', `${'{'.repeat(1_000)} {"answer": "x"}`)).toEqual({ answer: 'x' });
    // json_repair reads both values (a list, not an object); the first balanced object is then used.
    expect(new JSONAdapter().parse('question -> answer', 'note } then {"answer": "y"} [1] {"answer": "z"}')).toEqual({ answer: 'y' });
  });

  it('keeps the line structure of sections split by any Python line break', () => {
    const reply = '  [[ ## answer ## ]] first\r\nsecond\u2028third\r\n\n[[ ## x ## ]]\nignored\n [[ ## answer ## ]]\nlater';
    expect(new ChatAdapter().parse('question -> answer', reply)).toEqual({ answer: 'first\nsecond\nthird' });
  });

  it('ignores a header that does not start its line', () => {
    expect(new ChatAdapter().parse('question -> answer', 'text [[ ## answer ## ]] no\n[[ ## answer ## ]]\nyes')).toEqual({ answer: 'yes' });
  });

  it('strips runs of spaces after a non-ASCII letter', () => {
    expect(new ChatAdapter().parse(Signature.parse('question -> answer'), `[[ ## answer ## ]]\né${' '.repeat(10_000)}\u3000`)).toEqual({ answer: 'é' });
  });
});
