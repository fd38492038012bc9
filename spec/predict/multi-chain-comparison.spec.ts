import { DummyLM } from '../../lib/lm/dummy-lm';
import { ChainOfThought } from '../../lib/predict/chain-of-thought';
import { MultiChainComparison } from '../../lib/predict/multi-chain-comparison';
import { Prediction } from '../../lib/primitives/prediction';
import { configure, resetSettings } from '../../lib/settings/settings';

afterEach(() => resetSettings());

const ATTEMPTS = [
  { reasoning: 'add 2 and 2\nthen check', answer: '4' },
  { reasoning: 'count on fingers', answer: '5\nmaybe' },
  { reasoning: 'recall the table', answer: '4' },
];

describe('MultiChainComparison', () => {
  it("builds DSPy's signature: attempts appended as inputs, rationale prepended to the outputs", () => {
    const compare = new MultiChainComparison('question -> answer');
    const { signature, config } = compare.predict;
    expect(signature.toString()).toBe('question, reasoning_attempt_1, reasoning_attempt_2, reasoning_attempt_3 -> rationale, answer');
    expect(signature.field('reasoning_attempt_2')).toMatchObject({ prefix: 'Student Attempt #2:', desc: '${reasoning attempt}' });
    expect(signature.field('rationale')).toMatchObject({
      prefix: "Accurate Reasoning: Thank you everyone. Let's now holistically",
      desc: '${corrected reasoning}',
    });
    expect(config).toEqual({ temperature: 0.7 });
    expect(compare.lastKey).toBe('answer');
  });

  it('shows the model each attempt as «I’m trying to … my prediction is …» and returns rationale and answer', async () => {
    const lm = new DummyLM([{ rationale: 'Two plus two is four.', answer: '4' }]);
    configure({ lm });
    const prediction = await new MultiChainComparison('question -> answer').forward({ completions: ATTEMPTS, question: 'What is 2+2?' });
    expect(prediction.keys()).toEqual(['rationale', 'answer']);
    expect(prediction.answer).toBe('4');
    const [system, user] = lm.history[0].messages;
    expect(system.content).toContain('2. `reasoning_attempt_1` (str): ${reasoning attempt}');
    expect(system.content).toContain('1. `rationale` (str): ${corrected reasoning}');
    expect(user.content).toContain("[[ ## reasoning_attempt_1 ## ]]\n«I'm trying to add 2 and 2 I'm not sure but my prediction is 4»");
    expect(user.content).toContain("[[ ## reasoning_attempt_2 ## ]]\n«I'm trying to count on fingers I'm not sure but my prediction is 5»");
    expect(lm.history[0].options).toMatchObject({ temperature: 0.7 });
  });

  it('takes the completions of a ChainOfThought with n = M', async () => {
    const lm = new DummyLM([...ATTEMPTS, { rationale: 'r', answer: '4' }]);
    configure({ lm });
    const votes = await new ChainOfThought('question -> answer', { n: 3 }).forward({ question: 'What is 2+2?' });
    const prediction = await new MultiChainComparison('question -> answer').forward({ completions: votes.completions, question: 'What is 2+2?' });
    expect(prediction.answer).toBe('4');
    expect(lm.history[1].messages[1].content).toContain("«I'm trying to recall the table I'm not sure but my prediction is 4»");
  });

  it('lets explicit inputs override the generated attempts, as DSPy', async () => {
    const lm = new DummyLM([{ rationale: 'r', answer: '4' }]);
    configure({ lm });
    await new MultiChainComparison('question -> answer').forward({ completions: ATTEMPTS, question: 'q', reasoning_attempt_3: 'given' });
    expect(lm.history[0].messages[1].content).toContain('[[ ## reasoning_attempt_3 ## ]]\ngiven');
  });

  it('is named predict and round-trips state', () => {
    const source = new MultiChainComparison('question -> answer', { M: 2 });
    expect(source.namedPredictors().map(([name]) => name)).toEqual(['predict']);
    source.predict.demos = [{ question: 'q', answer: 'a' }];
    const target = new MultiChainComparison('question -> answer', { M: 2 }).loadState(source.dumpState());
    expect(target.dumpState()).toEqual(source.dumpState());
  });

  it('rejects a number of completions other than M with INPUT_INVALID', async () => {
    await expect(new MultiChainComparison('question -> answer').forward({ completions: ATTEMPTS.slice(0, 2), question: 'q' })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      details: { expected: 3, received: 2 },
    });
  });

  it('rejects a completion without reasoning or rationale with INPUT_INVALID', async () => {
    const completions = [...ATTEMPTS.slice(0, 2), new Prediction({ answer: '4' })];
    await expect(new MultiChainComparison('question -> answer').forward({ completions, question: 'q' })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      details: { index: 2 },
    });
  });

  it.each([
    ['M = 0', 'question -> answer', { M: 0 }],
    ['a signature without outputs', 'question ->', {}],
  ])('rejects %s with CONFIGURATION_INVALID', (_label, signature, options) => {
    expect(() => new MultiChainComparison(signature, options)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });

  it('names M in the details of a bad M', () => {
    expect(() => new MultiChainComparison('question -> answer', { M: 1.5 })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: { option: 'M' } }),
    );
  });
});
