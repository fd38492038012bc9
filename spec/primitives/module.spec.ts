import { IsIn, IsInt, Max, Min, ValidateBy } from 'class-validator';
import { Module, Parameter, Predict, Predictor, SubModule, ChainOfThought, Prediction, DummyLM } from 'dspex';

class Retriever extends Module {
  @Parameter({ description: 'passages to fetch', learningRate: 1, momentum: 0.5 }) @IsInt() @Min(1) @Max(10) k = 3;

  async forward(): Promise<Prediction> {
    return new Prediction({ passages: [] });
  }
}

class RAG extends Module {
  @SubModule({ type: () => Retriever }) retrieve!: Retriever;
  @Predictor('context, question -> answer', { module: ChainOfThought }) generate!: ChainOfThought;
  @Parameter() @IsIn(['short', 'long']) style = 'short';

  async forward(inputs: { question: string }): Promise<Prediction> {
    return this.generate.forward({ context: '', question: inputs.question });
  }
}

describe('Module parameters', () => {
  it('creates undecorated-initializer sub-modules and predictors per instance', () => {
    const first = new RAG();
    const second = new RAG();
    expect(first.retrieve).toBeInstanceOf(Retriever);
    expect(first.generate).toBeInstanceOf(ChainOfThought);
    expect(first.generate).not.toBe(second.generate);
  });

  it('validates plain assignment and keeps the old value on failure', () => {
    const program = new RAG();
    expect(() => {
      program.retrieve.k = 50;
    }).toThrow(expect.objectContaining({ code: 'PARAMETER_INVALID' }));
    expect(program.retrieve.k).toBe(3);
    program.retrieve.k = 7;
    expect(program.getParameter('retrieve.k')).toBe(7);
  });

  it('validates setParameter, including type changes and IsIn', () => {
    const program = new RAG();
    expect(() => program.setParameter('style', 'medium')).toThrow(expect.objectContaining({ code: 'PARAMETER_INVALID' }));
    expect(() => program.setParameter('retrieve.k', '5')).toThrow(expect.objectContaining({ code: 'PARAMETER_INVALID' }));
    expect(() => program.setParameter('retrieve.k', 2.5)).toThrow(expect.objectContaining({ code: 'PARAMETER_INVALID' }));
    expect(program.getParameter('style')).toBe('short');
    program.setParameter('style', 'long');
    expect(program.style).toBe('long');
  });

  it('rejects unknown paths with PARAMETER_NOT_FOUND listing known ones', () => {
    const program = new RAG();
    expect(() => program.setParameter('retrieve.kk', 1)).toThrow(expect.objectContaining({ code: 'PARAMETER_NOT_FOUND' }));
    expect(() => program.getParameter('nope')).toThrow(expect.objectContaining({ details: expect.objectContaining({ known: ['retrieve.k', 'style'] }) }));
  });

  it('keeps the last 100 updates in history', () => {
    const retriever = new Retriever();
    for (let index = 0; index < 150; index += 1) retriever.k = (index % 10) + 1;
    const history = retriever.parameter('k').history;
    expect(history).toHaveLength(100);
    expect(history[history.length - 1]).toMatchObject({ value: 10, previous: 9, source: 'assign' });
  });

  it('applies gradients with momentum, projected onto the constraints', () => {
    const retriever = new Retriever();
    const handle = retriever.parameter('k');
    expect(handle.applyGradient(2)).toBe(1); // 3 - 1*2
    expect(handle.applyGradient(-4)).toBe(4); // velocity = 0.5*2 - 4 = -3 → 1 + 3
    expect(handle.applyGradient(-100)).toBe(10); // clamped by @Max
    expect(handle.grad).toBe(-100);
    expect(handle.type).toBe('number');
    expect(handle.requiresGrad).toBe(true);
  });
});

describe('Module introspection', () => {
  it('names parameters as DSPy: sub-modules with dots, predictors of ChainOfThought as .predict', () => {
    const names = new RAG().namedParameters().map(([name]) => name);
    expect(names).toEqual(['retrieve.k', 'generate.predict', 'style']);
    expect(new RAG().namedPredictors().map(([name]) => name)).toEqual(['generate.predict']);
  });

  it('finds undecorated modules in arrays and plain objects, deduplicated by identity', () => {
    class Hops extends Module {
      hops: Predict[];
      tools: Record<string, Predict>;
      alias: Predict;
      constructor() {
        super();
        this.hops = [new Predict('a -> b'), new Predict('b -> c')];
        this.tools = { search: new Predict('q -> r') };
        this.alias = this.hops[0];
      }
      async forward(): Promise<Prediction> {
        return new Prediction();
      }
    }
    const program = new Hops();
    expect(program.namedPredictors().map(([name]) => name)).toEqual(['hops[0]', 'hops[1]', "tools['search']"]);
    expect(program.namedSubModules().map(([name]) => name)).toEqual(['self', 'self.hops[0]', 'self.hops[1]', 'self.tools[search]']);
  });

  it('yields a bare Predict as self', () => {
    const predict = new Predict('a -> b');
    expect(predict.namedParameters()).toEqual([['self', predict]]);
  });

  it('skips compiled sub-modules in namedParameters', () => {
    const program = new RAG();
    program.generate.compiled = true;
    expect(program.namedParameters().map(([name]) => name)).toEqual(['retrieve.k', 'style']);
  });

  it('lists attributes in assignment order, decorated or not', () => {
    class Ordered extends Module {
      first = new Predict('a -> b');
      @Predictor() second: Predict;
      third = new Predict('e -> f');
      constructor() {
        super();
        this.second = new Predict('c -> d');
        this.fourth = new Predict('g -> h');
      }
      fourth: Predict;
      async forward(): Promise<Prediction> {
        return new Prediction();
      }
    }
    expect(new Ordered().namedPredictors().map(([name]) => name)).toEqual(['first', 'third', 'second', 'fourth']);
  });

  it('places an unassigned decorated member after the decorated member declared before it', () => {
    class Declared extends Module {
      @Predictor() first = new Predict('a -> b');
      other = new Predict('x -> y');
      @Predictor('c -> d') second!: Predict;
      async forward(): Promise<Prediction> {
        return new Prediction();
      }
    }
    expect(new Declared().namedPredictors().map(([name]) => name)).toEqual(['first', 'second', 'other']);
  });

  it('throws DECORATOR_MISUSE when a class field shadows a decorated member', () => {
    class Shadowed extends Module {
      @Parameter() k!: number;
      constructor() {
        super();
        // What TypeScript emits for `k = 3` under useDefineForClassFields: true.
        Object.defineProperty(this, 'k', { value: 3, writable: true, enumerable: true, configurable: true });
      }
      async forward(): Promise<Prediction> {
        return new Prediction();
      }
    }
    const instance = new Shadowed();
    expect(() => instance.namedParameters()).toThrow(
      expect.objectContaining({ code: 'DECORATOR_MISUSE', message: expect.stringContaining('useDefineForClassFields') }),
    );
  });

  it('switches modes recursively', () => {
    const program = new RAG().train();
    expect(program.training && program.retrieve.training && program.generate.predict.training).toBe(true);
    program.eval();
    expect(program.retrieve.training).toBe(false);
  });
});

describe('Module copies', () => {
  it('deep-copies parameters, demos and sub-modules, sharing the LM', () => {
    const program = new RAG();
    const lm = new DummyLM([]);
    program.generate.predict.lm = lm;
    program.generate.predict.demos = [{ question: 'q', answer: 'a' }];
    program.retrieve.k = 5;
    const copy = program.deepcopy();
    copy.retrieve.k = 8;
    (copy.generate.predict.demos[0] as Record<string, unknown>).answer = 'changed';
    expect(program.retrieve.k).toBe(5);
    expect((program.generate.predict.demos[0] as Record<string, unknown>).answer).toBe('a');
    expect(copy.generate.predict.lm).toBe(lm);
    expect(copy.generate).not.toBe(program.generate);
    expect(copy).toBeInstanceOf(RAG);
  });

  it('resetCopy clears demos and LMs but keeps parameters', () => {
    const program = new RAG();
    program.generate.predict.demos = [{ question: 'q', answer: 'a' }];
    program.retrieve.k = 4;
    const copy = program.resetCopy();
    expect(copy.generate.predict.demos).toEqual([]);
    expect(copy.retrieve.k).toBe(4);
    expect(program.generate.predict.demos).toHaveLength(1);
  });
});

describe('custom constraints', () => {
  it('runs custom class-validator validators on assignment', () => {
    const isEven = (): PropertyDecorator =>
      ValidateBy({
        name: 'isEven',
        validator: { validate: (value) => typeof value === 'number' && value % 2 === 0, defaultMessage: () => '$property must be even' },
      });
    class Even extends Module {
      @Parameter() @isEven() n = 2;
      async forward(): Promise<Prediction> {
        return new Prediction();
      }
    }
    const instance = new Even();
    expect(() => instance.setParameter('n', 3)).toThrow(
      expect.objectContaining({ code: 'PARAMETER_INVALID', details: expect.objectContaining({ problems: ['n must be even'] }) }),
    );
    instance.n = 4;
    expect(instance.n).toBe(4);
  });

  it('rejects an initial value that breaks the constraints at construction', () => {
    class Broken extends Module {
      @Parameter() @Min(5) k = 1;
      async forward(): Promise<Prediction> {
        return new Prediction();
      }
    }
    expect(() => new Broken()).toThrow(expect.objectContaining({ code: 'PARAMETER_INVALID' }));
  });
});
