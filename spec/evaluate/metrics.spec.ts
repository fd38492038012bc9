import { answerExactMatch, answerPassageMatch } from '../../lib/evaluate/metrics';
import { Example } from '../../lib/primitives/example';
import { Prediction } from '../../lib/primitives/prediction';

const example = (answer: unknown): Example => new Example({ question: 'q', answer }).withInputs('question');

// Expected values follow DSPy 3.3.1's answer_exact_match / answer_passage_match (run on the same inputs).
describe('answerExactMatch', () => {
  it('matches after normalisation', () => {
    expect(answerExactMatch(example('Eiffel Tower'), new Prediction({ answer: 'The Eiffel Tower!' }))).toBe(true);
  });

  // Normalised forms printed by DSPy 3.3.1's normalize_text for the same inputs.
  it.each([
    ['The,  Eiffel  Tower!', 'eiffel tower'],
    ['  A cat and AN apple  ', 'cat and apple'],
    ["don't stop", 'dont stop'],
    ['an_a the_b', 'ana theb'],
    ['Mr. A. Smith', 'mr smith'],
    ['théâtre the\u0301', '\u0301 \u0302tre \u0301'],
    ['a\u00a0b\ufeffc\x1cd', 'b\ufeffc d'],
  ])('normalises %j as DSPy does before comparing', (answer, normalized) => {
    expect(answerExactMatch(example(answer), new Prediction({ answer: normalized }))).toBe(true);
    expect(answerExactMatch(example(answer), new Prediction({ answer: `${normalized} x` }))).toBe(false);
  });

  it('reads plain objects as DSPy reads attributes', () => {
    expect(answerExactMatch({ answer: 'Paris' } as never, { answer: 'paris' } as never)).toBe(true);
    expect(answerPassageMatch({ answer: 'Paris' } as never, { context: ['It is Paris.'] } as never)).toBe(true);
  });

  it.each([
    ['a number', 42],
    ['null', null],
    ['text', 'Paris'],
  ])('fails with EVALUATION_FAILED, not a TypeError, for %s instead of an example or prediction', (_, value) => {
    expect(() => answerExactMatch(value as never, new Prediction({ answer: 'x' }))).toThrow(
      expect.objectContaining({ code: 'EVALUATION_FAILED', message: expect.stringContaining('needs an Example') }),
    );
    expect(() => answerExactMatch(new Example({ answer: 'x' }), value as never)).toThrow(
      expect.objectContaining({ code: 'EVALUATION_FAILED', message: expect.stringContaining('needs a Prediction') }),
    );
    expect(() => answerPassageMatch(new Example({ answer: 'x' }), value as never)).toThrow(expect.objectContaining({ code: 'EVALUATION_FAILED' }));
  });

  it('matches any answer of a list', () => {
    expect(answerExactMatch(example(['2', 'two']), new Prediction({ answer: 'Two' }))).toBe(true);
  });

  it('rejects a different answer', () => {
    expect(answerExactMatch(example('2'), new Prediction({ answer: '3' }))).toBe(false);
  });

  it('compares a numeric prediction as text', () => {
    expect(answerExactMatch(example('4'), new Prediction({ answer: 4 }))).toBe(true);
  });

  it('uses token F1 against frac when frac < 1', () => {
    const references = example(['Eiffel Tower', 'Louvre']);
    expect(answerExactMatch(references, new Prediction({ answer: 'Eiffel' }), undefined, { frac: 0.5 })).toBe(true);
    expect(answerExactMatch(references, new Prediction({ answer: 'Eiffel' }), undefined, { frac: 0.7 })).toBe(false);
  });

  it('fails with EVALUATION_FAILED when example.answer is neither text nor a list of text', () => {
    expect(() => answerExactMatch(example(42), new Prediction({ answer: '42' }))).toThrow(
      expect.objectContaining({ code: 'EVALUATION_FAILED', details: { metric: 'answerExactMatch' } }),
    );
  });

  it('fails with EVALUATION_FAILED when the prediction has no answer', () => {
    expect(() => answerExactMatch(example('a'), new Prediction({}))).toThrow(
      expect.objectContaining({ code: 'EVALUATION_FAILED', details: { metric: 'answerExactMatch', field: 'answer' } }),
    );
  });
});

describe('answerPassageMatch', () => {
  it('finds the answer as a run of tokens in a passage', () => {
    expect(answerPassageMatch(example('Eiffel Tower'), new Prediction({ context: ['The Eiffel Tower is in Paris.', '...'] }))).toBe(true);
  });

  it('does not match a partial token', () => {
    expect(answerPassageMatch(example('Eiffel Tower'), new Prediction({ context: ['The Eiffel-Towers are tall'] }))).toBe(false);
  });

  it('matches accented text whatever the case', () => {
    expect(answerPassageMatch(example('café'), new Prediction({ context: ['I love the CAFÉ!'] }))).toBe(true);
  });

  it('accepts a list of answers', () => {
    expect(answerPassageMatch(example(['Louvre', 'Seine']), new Prediction({ context: ['The Seine flows through Paris.'] }))).toBe(true);
  });

  it('fails with EVALUATION_FAILED when the prediction has no passages', () => {
    expect(() => answerPassageMatch(example('x'), new Prediction({ answer: 'x' }))).toThrow(
      expect.objectContaining({ code: 'EVALUATION_FAILED', details: { metric: 'answerPassageMatch', field: 'context' } }),
    );
  });
});
