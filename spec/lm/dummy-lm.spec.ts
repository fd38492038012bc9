import { ChatAdapter, DummyLM, Predict } from 'dspex';

describe('DummyLM', () => {
  it('replies in order, rendering objects as ChatAdapter field blocks, then runs out', async () => {
    const lm = new DummyLM(['raw text', { answer: 'Paris', score: 0.5 }]);
    const messages = [{ role: 'user' as const, content: 'hi' }];
    expect((await lm.call(messages)).outputs).toEqual(['raw text']);
    expect((await lm.call(messages)).outputs).toEqual(['[[ ## answer ## ]]\nParis\n\n[[ ## score ## ]]\n0.5']);
    expect((await lm.call(messages)).outputs).toEqual(['[[ ## answer ## ]]\nNo more responses']);
  });

  it('selects the reply whose key appears in the last message (dict mode)', async () => {
    const lm = new DummyLM({ France: { answer: 'Paris' }, Italy: { answer: 'Rome' } });
    const prediction = await new Predict('question -> answer').forward({ question: 'Capital of Italy?' }, { lm });
    expect(prediction.answer).toBe('Rome');
  });

  it('computes replies with a function of the messages', async () => {
    const lm = new DummyLM((messages) => ({ answer: String(messages.length) }));
    expect((await new Predict('q -> answer').forward({ q: 'x' }, { lm })).answer).toBe('2');
  });

  it('follows examples: answers with the demo whose input matches', async () => {
    const predict = new Predict('question -> answer');
    predict.demos = [
      { question: 'What is 1+1?', answer: '2' },
      { question: 'What is 2+2?', answer: '4' },
    ];
    const lm = new DummyLM([], { followExamples: true });
    expect((await predict.forward({ question: 'What is 2+2?' }, { lm })).answer).toBe('4');
  });

  it('records history and zero usage, and copies share the script position', async () => {
    const lm = new DummyLM([{ a: '1' }, { a: '2' }]);
    await new Predict('q -> a').forward({ q: 'x' }, { lm });
    const copy = lm.copy({ temperature: 1, rolloutId: 1 });
    expect((await new Predict('q -> a').forward({ q: 'x' }, { lm: copy })).a).toBe('2');
    expect(lm.history[0]).toMatchObject({ model: 'dummy', usage: { totalTokens: 0 } });
    expect(copy.options).toMatchObject({ temperature: 1, rolloutId: 1 });
  });

  it('renders with an explicit adapter', async () => {
    const lm = new DummyLM([{ answer: 'x' }], { adapter: new ChatAdapter() });
    expect((await lm.call([{ role: 'user', content: 'q' }])).outputs[0]).toBe('[[ ## answer ## ]]\nx');
  });

  it('rejects answers that are not a list, object or function', () => {
    expect(() => new DummyLM(3 as never)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });
});

describe('inspectHistory (global)', () => {
  it('prints the last calls of every LM in the process', async () => {
    const { inspectHistory } = await import('dspex');
    const first = new DummyLM([{ answer: 'from-first' }]);
    const second = new DummyLM([{ answer: 'from-second' }]);
    await new Predict('question -> answer').forward({ question: 'q1' }, { lm: first });
    await new Predict('question -> answer').forward({ question: 'q2' }, { lm: second });
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const text = inspectHistory(2);
    write.mockRestore();
    expect(text).toContain('from-first');
    expect(text).toContain('from-second');
    expect(text.indexOf('from-first')).toBeLessThan(text.indexOf('from-second'));
  });
});

describe('DummyLM rendering', () => {
  it('renders answer objects exactly as ChatAdapter.formatFieldsBlock does, lists as JSON', async () => {
    const answer = { answer: ['Paris', 'Lyon'], count: 2 };
    const lm = new DummyLM([answer]);
    const [output] = (await lm.call([{ role: 'user', content: 'q' }])).outputs;
    expect(output).toBe(new ChatAdapter().formatFieldsBlock(answer));
    expect(output).toBe('[[ ## answer ## ]]\n["Paris", "Lyon"]\n\n[[ ## count ## ]]\n2');
  });

  it('lets a list answer parse as a list[str] output', async () => {
    const prediction = await new Predict('q -> answer: list[str]').forward({ q: 'x' }, { lm: new DummyLM([{ answer: ['a', 'b'] }]) });
    expect(prediction.answer).toEqual(['a', 'b']);
  });
});
