import pino from 'pino';
import type { ChatMessage } from '../../lib/lm/chat-message';
import { DummyLM, type DummyAnswer } from '../../lib/lm/dummy-lm';
import { ChainOfThought } from '../../lib/predict/chain-of-thought';
import { Predict } from '../../lib/predict/predict';
import { Refine } from '../../lib/predict/refine';
import { Module } from '../../lib/primitives/module';
import type { Prediction } from '../../lib/primitives/prediction';
import { configure, context, resetSettings, type TraceEntry } from '../../lib/settings/settings';

afterEach(() => resetSettings());

const oneWord = (_inputs: Readonly<Record<string, unknown>>, prediction: Prediction): number =>
  String(prediction.answer).trim().split(/\s+/).length === 1 ? 1 : 0;

const FEEDBACK_MARKER = 'assign blame to each module';

/**
 * A DummyLM for Refine: program calls take `attempts` in order, OfferFeedback calls take `advice`
 * in order; every request's messages are recorded.
 */
function scriptedLM(attempts: DummyAnswer[], advice: Record<string, string>[] = []): { lm: DummyLM; program: ChatMessage[][]; feedback: ChatMessage[][] } {
  const program: ChatMessage[][] = [];
  const feedback: ChatMessage[][] = [];
  const lm = new DummyLM((messages) => {
    if (messages[0].content.includes(FEEDBACK_MARKER)) {
      feedback.push([...messages]);
      return { discussion: 'The answer was too long.', advice: advice[feedback.length - 1] ?? {} };
    }
    program.push([...messages]);
    return attempts[program.length - 1] ?? { reasoning: 'r', answer: 'No more responses' };
  });
  return { lm, program, feedback };
}

describe('Refine', () => {
  it('returns the first attempt that reaches the threshold without asking for feedback', async () => {
    const { lm, program, feedback } = scriptedLM([{ reasoning: 'r', answer: 'Brussels' }]);
    configure({ lm });
    const prediction = await new Refine(new ChainOfThought('question -> answer'), { n: 3, rewardFn: oneWord, threshold: 1 }).forward({
      question: 'Capital of Belgium?',
    });
    expect(prediction.answer).toBe('Brussels');
    expect([program.length, feedback.length]).toEqual([1, 0]);
  });

  it('runs its attempts and its feedback on a per-call lm instead of the configured one', async () => {
    const configured = scriptedLM([{ reasoning: 'r', answer: 'configured' }]);
    const perCall = scriptedLM(
      [
        { reasoning: 'r', answer: 'It is Brussels' },
        { reasoning: 'r', answer: 'Brussels' },
      ],
      [{ predict: 'Answer with one word.' }],
    );
    configure({ lm: configured.lm });
    const refine = new Refine(new ChainOfThought('question -> answer'), { n: 3, rewardFn: oneWord, threshold: 1 });
    const prediction = await refine.forward({ question: 'Capital of Belgium?' }, { lm: perCall.lm });
    expect(prediction.answer).toBe('Brussels');
    expect([perCall.program.length, perCall.feedback.length]).toEqual([2, 1]);
    expect([configured.program.length, configured.feedback.length]).toEqual([0, 0]);
  });

  it('hands the next attempt the advice for each predictor as the input hint_', async () => {
    const { lm, program } = scriptedLM(
      [
        { reasoning: 'r', answer: 'It is Brussels' },
        { reasoning: 'r', answer: 'Brussels' },
      ],
      [{ predict: 'Answer with one word.' }],
    );
    configure({ lm });
    const prediction = await new Refine(new ChainOfThought('question -> answer'), { n: 3, rewardFn: oneWord, threshold: 1 }).forward({
      question: 'Capital of Belgium?',
    });
    expect(prediction.answer).toBe('Brussels');
    expect(program[0][0].content).not.toContain('hint_');
    const [system, user] = program[1];
    expect(system.content).toContain('2. `hint_` (str): A hint to the module from an earlier run');
    expect(user.content).toContain('[[ ## hint_ ## ]]\nAnswer with one word.');
  });

  it('describes the attempt to OfferFeedback: predictor names, definitions, trajectory, reward and threshold', async () => {
    const { lm, feedback } = scriptedLM([
      { reasoning: 'r', answer: 'It is Brussels' },
      { reasoning: 'r', answer: 'Brussels' },
    ]);
    configure({ lm });
    const rewardFn = function oneWordReward(_inputs: unknown, prediction: Prediction): number {
      return String(prediction.answer).includes(' ') ? 0 : 1;
    };
    await new Refine(new ChainOfThought('question -> answer'), { n: 2, rewardFn, threshold: 1 }).forward({ question: 'Capital of Belgium?' });
    expect(feedback).toHaveLength(1);
    const request = feedback[0][1].content;
    expect(request).toContain('[[ ## module_names ## ]]\n[\n  "predict"\n]');
    expect(request).toContain('[[ ## program_inputs ## ]]\n{\n  "question": "Capital of Belgium?"\n}');
    expect(request).toContain('"module_name": "predict"');
    expect(request).toContain('[[ ## program_outputs ## ]]\n{\n  "reasoning": "r",\n  "answer": "It is Brussels"\n}');
    expect(request).toContain('[[ ## target_threshold ## ]]\n1');
    expect(request).toContain('[[ ## reward_value ## ]]\n0');
    expect(request).toContain('function oneWordReward');
    expect(request).toContain('Module predict\n\tInput Fields:\n\t\t1. `question` (str):');
    expect(request).toContain("predict: Predict('question -> reasoning, answer')");
  });

  it('routes advice by predictor even when two predictors share one signature text', async () => {
    class TwoSteps extends Module {
      draft = new ChainOfThought('question -> answer');
      polish = new ChainOfThought('question -> answer');
      async forward(inputs: Record<string, unknown>): Promise<Prediction> {
        await this.draft.forward(inputs);
        return this.polish.forward(inputs);
      }
    }
    const { lm, program } = scriptedLM(
      [
        { reasoning: 'r', answer: 'draft one' },
        { reasoning: 'r', answer: 'too long' },
        { reasoning: 'r', answer: 'draft two' },
        { reasoning: 'r', answer: 'Brussels' },
      ],
      [{ 'draft.predict': 'Draft tersely.', 'polish.predict': 'One word only.' }],
    );
    configure({ lm });
    await new Refine(new TwoSteps(), { n: 2, rewardFn: oneWord, threshold: 1 }).forward({ question: 'q' });
    expect(program[2][1].content).toContain('[[ ## hint_ ## ]]\nDraft tersely.');
    expect(program[3][1].content).toContain('[[ ## hint_ ## ]]\nOne word only.');
  });

  it('without a threshold runs all n attempts, asks for feedback between them, and returns the best', async () => {
    const lengthReward = (_inputs: unknown, prediction: Prediction): number => String(prediction.answer).length;
    const { lm, program, feedback } = scriptedLM([
      { reasoning: 'r', answer: 'aa' },
      { reasoning: 'r', answer: 'aaaa' },
      { reasoning: 'r', answer: 'a' },
    ]);
    configure({ lm });
    const prediction = await new Refine(new ChainOfThought('question -> answer'), { n: 3, rewardFn: lengthReward }).forward({ question: 'q' });
    expect(prediction.answer).toBe('aaaa');
    expect([program.length, feedback.length]).toEqual([3, 2]);
  });

  it("keeps the feedback call out of the caller's trace and adds the chosen attempt's", async () => {
    const trace: TraceEntry[] = [];
    const { lm } = scriptedLM([
      { reasoning: 'r', answer: 'two words' },
      { reasoning: 'r', answer: 'one' },
    ]);
    const refine = new Refine(new ChainOfThought('question -> answer'), { n: 2, rewardFn: oneWord, threshold: 1 });
    await context({ lm, trace }, () => refine.forward({ question: 'q' }));
    expect(trace).toHaveLength(1);
    expect((trace[0].prediction as Prediction).answer).toBe('one');
  });

  it("names the wrapped module's predictors under module. and round-trips state", () => {
    const source = new Refine(new ChainOfThought('question -> answer'), { n: 2, rewardFn: oneWord, threshold: 1 });
    expect(source.namedPredictors().map(([name]) => name)).toEqual(['module.predict']);
    (source.module as ChainOfThought).predict.demos = [{ question: 'q', reasoning: 'r', answer: 'a' }];
    const target = new Refine(new ChainOfThought('question -> answer'), { n: 2, rewardFn: oneWord, threshold: 1 }).loadState(source.dumpState());
    expect(target.dumpState()).toEqual(source.dumpState());
  });

  describe('failures', () => {
    it('counts a throwing reward function as a failed attempt and carries on', async () => {
      const { lm } = scriptedLM([
        { reasoning: 'r', answer: 'one' },
        { reasoning: 'r', answer: 'two' },
      ]);
      configure({ lm });
      let calls = 0;
      const rewardFn = (_inputs: unknown, prediction: Prediction): number => {
        calls += 1;
        if (calls === 1) throw new Error('judge crashed');
        return prediction.answer === 'two' ? 1 : 0;
      };
      const prediction = await new Refine(new Predict('question -> answer'), { n: 2, rewardFn, threshold: 1, logger: pino({ level: 'silent' }) }).forward({
        question: 'q',
      });
      expect(prediction.answer).toBe('two');
    });

    it('rejects with EVALUATION_FAILED (cause: the reward error) once failures exceed failCount', async () => {
      configure({ lm: scriptedLM([{ answer: 'one' }]).lm });
      const crash = new Error('judge crashed');
      const rewardFn = (): number => {
        throw crash;
      };
      await expect(
        new Refine(new Predict('question -> answer'), { n: 3, rewardFn, failCount: 0, logger: pino({ level: 'silent' }) }).forward({ question: 'q' }),
      ).rejects.toMatchObject({
        code: 'EVALUATION_FAILED',
      });
    });

    it.each([
      ['n = 0', { n: 0, rewardFn: oneWord }],
      ['a threshold that is not a number', { n: 2, rewardFn: oneWord, threshold: 'high' }],
      ['no reward function', { n: 2 }],
    ])('rejects %s with CONFIGURATION_INVALID', (_label, options) => {
      expect(() => new Refine(new Predict('question -> answer'), options as never)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
    });

    it('names a misspelt option with a did-you-mean', () => {
      expect(() => new Refine(new Predict('question -> answer'), { n: 2, rewardFn: oneWord, failcount: 1 } as never)).toThrow(
        expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: { option: 'failcount', suggestion: 'failCount' } }),
      );
    });

    it('rejects an unknown per-call option instead of ignoring it', async () => {
      const refine = new Refine(new Predict('question -> answer'), { n: 2, rewardFn: oneWord });
      await expect(refine.forward({ question: 'q' }, { config: { temperature: 0 } } as never)).rejects.toMatchObject({
        code: 'CONFIGURATION_INVALID',
        details: { option: 'config' },
      });
    });
  });
});
