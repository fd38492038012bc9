import { ChainOfThought, DummyLM, JSONAdapter, LMHttpError, Module, Predict, Prediction, configure, context, resetSettings, type TraceEntry } from 'dspex';

afterEach(() => resetSettings());

describe('Predict', () => {
  it('formats with ChatAdapter, calls the LM and parses typed outputs', async () => {
    const lm = new DummyLM([{ answer: '4' }]);
    const predict = new Predict('question -> answer: int');
    const prediction = await predict.forward({ question: 'What is 2+2?' }, { lm });
    expect(prediction).toBeInstanceOf(Prediction);
    expect(prediction.answer).toBe(4);
    const [call] = lm.history;
    expect(call.messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(call.messages[1].content).toContain('[[ ## question ## ]]\nWhat is 2+2?');
  });

  it('uses the configured LM and sends demos as turns', async () => {
    const lm = new DummyLM([{ answer: 'Paris' }]);
    configure({ lm });
    const predict = new Predict('question -> answer');
    predict.demos = [{ question: 'Capital of Italy?', answer: 'Rome' }];
    await predict.forward({ question: 'Capital of France?' });
    expect(lm.history[0].messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
  });

  it('rejects a missing required input with INPUT_INVALID naming it', async () => {
    const predict = new Predict('context, question -> answer');
    // @ts-expect-error the compiler catches the missing input too; this checks the run-time guard
    await expect(predict.forward({ question: 'q' }, { lm: new DummyLM([]) })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      details: { missing: ['context'] },
    });
  });

  it('lets Optional inputs be omitted', async () => {
    const predict = new Predict('context: Optional[str], question -> answer');
    await expect(predict.forward({ question: 'q' }, { lm: new DummyLM([{ answer: 'a' }]) })).resolves.toMatchObject({ answer: 'a' });
  });

  it('rejects non-object inputs with INPUT_INVALID', async () => {
    await expect(new Predict('q -> a').forward('hello' as never)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });

  it('fails with LM_NOT_CONFIGURED when there is no LM', async () => {
    await expect(new Predict('q -> a').forward({ q: 'x' })).rejects.toMatchObject({ code: 'LM_NOT_CONFIGURED' });
  });

  it('asks for n completions in one request, at temperature 0.7 when unset', async () => {
    const lm = new DummyLM([{ answer: 'a' }, { answer: 'b' }, { answer: 'c' }]);
    const prediction = await new Predict('q -> answer', { n: 3 }).forward({ q: 'x' }, { lm });
    expect(lm.history).toHaveLength(1);
    expect(lm.history[0].options).toMatchObject({ n: 3, temperature: 0.7 });
    expect(prediction.answer).toBe('a');
    expect(prediction.completions?.field('answer')).toEqual(['a', 'b', 'c']);
  });

  it('merges per-call config over the predictor config', async () => {
    const lm = new DummyLM([{ a: '1' }]);
    await new Predict('q -> a', { temperature: 0.2, maxTokens: 10 }).forward({ q: 'x' }, { lm, config: { temperature: 0.9 } });
    expect(lm.history[0].options).toMatchObject({ temperature: 0.9, maxTokens: 10 });
  });

  it('retries once through JSONAdapter when the chat reply cannot be parsed', async () => {
    const lm = new DummyLM(['no markers at all', '{"answer": 7}']);
    const prediction = await new Predict('question -> answer: int').forward({ question: 'q' }, { lm });
    expect(prediction.answer).toBe(7);
    expect(lm.history).toHaveLength(2);
    expect(lm.history[1].options.responseFormat).toBeDefined();
  });

  it('raises ADAPTER_PARSE listing the fields when the JSON retry fails too', async () => {
    const lm = new DummyLM(['nothing useful', 'still nothing']);
    await expect(new Predict('question -> answer: int, confidence: float').forward({ question: 'q' }, { lm })).rejects.toMatchObject({
      code: 'ADAPTER_PARSE',
    });
  });

  it('does not fall back when the LM itself fails', async () => {
    const lm = new DummyLM(() => {
      throw new LMHttpError('server down', { status: 503 });
    });
    await expect(new Predict('q -> a').forward({ q: 'x' }, { lm })).rejects.toMatchObject({ code: 'LM_HTTP' });
    expect(lm.history).toHaveLength(0);
  });

  it('uses the JSON adapter when configured', async () => {
    const lm = new DummyLM([{ answer: 'Paris' }]);
    const prediction = await context({ lm, adapter: new JSONAdapter() }, () => new Predict('question -> answer').forward({ question: 'q' }));
    expect(prediction.answer).toBe('Paris');
    expect(lm.history[0].outputs[0]).toBe('{\n  "answer": "Paris"\n}');
  });

  it('records (predictor, inputs, prediction) into the trace of its context', async () => {
    const predict = new Predict('q -> a');
    const trace: TraceEntry[] = [];
    await context({ lm: new DummyLM([{ a: '1' }]), trace }, () => predict.forward({ q: 'x' }));
    expect(trace).toHaveLength(1);
    expect(trace[0]).toMatchObject({ predictor: predict, inputs: { q: 'x' } });
    expect((trace[0].prediction as Prediction).a).toBe('1');
  });

  it('keeps concurrent contexts apart', async () => {
    const predict = new Predict('q -> a');
    const slow = new DummyLM(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return { a: 'slow' };
    });
    const fast = new DummyLM([{ a: 'fast' }]);
    const [first, second] = await Promise.all([
      context({ lm: slow }, () => predict.forward({ q: '1' })),
      context({ lm: fast }, () => predict.forward({ q: '2' })),
    ]);
    expect([first.a, second.a]).toEqual(['slow', 'fast']);
    expect(slow.history).toHaveLength(1);
    expect(fast.history).toHaveLength(1);
  });

  it('rejects with the caller signal reason, even through a user module', async () => {
    class Wrapper extends Module {
      inner = new Predict('q -> a');
      async forward(inputs: Record<string, unknown>): Promise<Prediction> {
        await new Promise((resolve) => setImmediate(resolve));
        return this.inner.forward(inputs);
      }
    }
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const lm = new DummyLM([{ a: 'x' }]);
    const wrapper: Module = new Wrapper();
    const pending = context({ lm }, () => wrapper.forward({ q: 'x' }, { signal: controller.signal }));
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(lm.history).toHaveLength(0);
  });

  it('dumps and loads its own state', () => {
    const predict = new Predict('q -> a');
    predict.demos = [{ q: '1', a: '2' }];
    const copy = new Predict('q -> a').loadState(predict.dumpState());
    expect(copy.demos).toEqual([{ q: '1', a: '2' }]);
    expect(copy.dumpState()).toEqual(predict.dumpState());
  });

  it('rejects a config that is not an object', () => {
    expect(() => new Predict('q -> a', 3 as never)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });
});

describe('ChainOfThought', () => {
  it('prepends a reasoning output and returns it with the answer', async () => {
    const cot = new ChainOfThought('question -> answer');
    expect(cot.predict.signature.toString()).toBe('question -> reasoning, answer');
    expect(cot.predict.signature.instructions).toBe('Given the fields `question`, produce the fields `answer`.');
    const prediction = await cot.forward({ question: 'q' }, { lm: new DummyLM([{ reasoning: 'because', answer: 'yes' }]) });
    expect(prediction.toJSON()).toEqual({ reasoning: 'because', answer: 'yes' });
    expect(cot.namedPredictors().map(([name]) => name)).toEqual(['predict']);
  });
});
