import { ChainOfThought, DummyLM, Example, Module, Predict, Prediction, configure, resetSettings } from 'dspex';

class Pipeline extends Module {
  draft = new Predict('question -> draft');
  refine = new ChainOfThought('draft -> answer');

  async forward(inputs: { question: string }): Promise<Prediction> {
    const { draft } = await this.draft.forward(inputs);
    return this.refine.forward({ draft });
  }
}

afterEach(() => resetSettings());

describe('Module helpers', () => {
  it('setLM sets every predictor and getLM returns the shared one', () => {
    const program = new Pipeline();
    const lm = new DummyLM([]);
    program.setLM(lm);
    expect(program.predictors().every((predictor) => predictor.lm === lm)).toBe(true);
    expect(program.getLM()).toBe(lm);
  });

  it('getLM throws CONFIGURATION_INVALID when predictors differ', () => {
    const program = new Pipeline();
    program.draft.lm = new DummyLM([]);
    expect(() => program.getLM()).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });

  it('mapNamedPredictors replaces predictors in place, nested ones included', () => {
    const program = new Pipeline();
    const replacements: string[] = [];
    program.mapNamedPredictors((predictor, name) => {
      replacements.push(name);
      const replacement = new Predict(predictor.signature.withInstructions(`Tuned ${name}.`));
      return replacement;
    });
    expect(replacements).toEqual(['draft', 'refine.predict']);
    expect(program.refine.predict.signature.instructions).toBe('Tuned refine.predict.');
    expect(program.draft.signature.instructions).toBe('Tuned draft.');
  });

  it('batch runs examples in order with bounded concurrency', async () => {
    configure({ lm: new DummyLM((messages) => ({ answer: messages[messages.length - 1].content.match(/\d+/)![0] })) });
    const predict = new Predict('question -> answer');
    const results = await predict.batch([new Example({ question: 'n1', answer: 'x' }).withInputs('question'), { question: 'n2' }, { question: 'n3' }], { concurrency: 2 });
    expect(results.map((prediction) => prediction.answer)).toEqual(['1', '2', '3']);
  });

  it('batch rejects bad arguments with INPUT_INVALID', async () => {
    const predict = new Predict('question -> answer');
    await expect(predict.batch('x' as never)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(predict.batch([], { concurrency: 0 })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });

  it('inspectHistory prints the last calls to stdout and returns the text', async () => {
    const lm = new DummyLM([{ draft: 'd' }, { reasoning: 'r', answer: 'final' }]);
    configure({ lm });
    const program = new Pipeline();
    await program.forward({ question: 'q?' });
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const text = program.inspectHistory(1);
    expect(write).toHaveBeenCalledWith(text);
    write.mockRestore();
    expect(text).toContain('final');
    expect(text.match(/System message:/g)).toHaveLength(1);
    expect(text).toContain('User message:');
    expect(program.inspectHistory(2).match(/System message:/g)).toHaveLength(2);
  });
});
