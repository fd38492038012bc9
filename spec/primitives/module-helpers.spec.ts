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
    const results = await predict.batch([new Example({ question: 'n1', answer: 'x' }).withInputs('question'), { question: 'n2' }, { question: 'n3' }], {
      concurrency: 2,
    });
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

  describe('inspectHistory with predictors sharing one LM', () => {
    /** Silences the printing; the returned text is what is asserted. */
    function inspect(module: Module, n: number): string {
      const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        return module.inspectHistory(n);
      } finally {
        write.mockRestore();
      }
    }

    it('shows each call once, oldest first, instead of repeating the newest', async () => {
      configure({
        lm: new DummyLM([
          { draft: 'first draft' },
          { reasoning: 'r', answer: 'first answer' },
          { draft: 'second draft' },
          { reasoning: 'r', answer: 'second answer' },
        ]),
      });
      const program = new Pipeline();
      await program.forward({ question: 'one?' });
      await program.forward({ question: 'two?' });
      const text = inspect(program, 4);
      expect(text.match(/System message:/g)).toHaveLength(4);
      const order = ['first draft', 'first answer', 'second draft', 'second answer'].map((reply) => text.indexOf(reply));
      expect(order.every((position) => position >= 0)).toBe(true);
      expect([...order].sort((left, right) => left - right)).toEqual(order);
    });

    it('keeps a history per module: calls of another program on the same LM are not shown', async () => {
      configure({ lm: new DummyLM([{ draft: 'mine' }, { reasoning: 'r', answer: 'mine too' }, { answer: 'someone else' }]) });
      const program = new Pipeline();
      await program.forward({ question: 'q?' });
      const other = new Predict('question -> answer');
      await other.forward({ question: 'other?' });
      expect(inspect(program, 10).match(/System message:/g)).toHaveLength(2);
      expect(inspect(program, 10)).not.toContain('someone else');
      expect(inspect(other, 10)).toContain('someone else');
      expect(inspect(program.draft, 10).match(/System message:/g)).toHaveLength(1);
    });

    it('records each call once when a subclass calls super.forward', async () => {
      class Checked extends Pipeline {
        override async forward(inputs: { question: string }): Promise<Prediction> {
          return super.forward(inputs);
        }
      }
      configure({ lm: new DummyLM([{ draft: 'd' }, { reasoning: 'r', answer: 'a' }]) });
      const program = new Checked();
      await program.forward({ question: 'q?' });
      expect(inspect(program, 10).match(/System message:/g)).toHaveLength(2);
    });
  });
});
