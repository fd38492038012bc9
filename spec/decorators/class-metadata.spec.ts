import { Max, Min } from 'class-validator';
import { membersOf, fieldsOf } from '../../lib/decorators/class-metadata';
import { InputField, OutputField } from '../../lib/decorators/field';
import { Parameter } from '../../lib/decorators/parameter';
import { Predictor } from '../../lib/decorators/predictor';
import { SubModule } from '../../lib/decorators/sub-module';

describe('class metadata registry', () => {
  it('records members in declaration order with their options', () => {
    class Program {
      @Parameter({ description: 'passages', learningRate: 0.5 }) @Min(1) @Max(9) k = 3;
      @Predictor('question -> answer') generate!: unknown;
      @SubModule() retriever!: unknown;
    }
    expect(membersOf(Program).map((spec) => [spec.name, spec.kind])).toEqual([
      ['k', 'parameter'],
      ['generate', 'predictor'],
      ['retriever', 'subModule'],
    ]);
    expect(membersOf(Program)[0].options).toMatchObject({ description: 'passages', learningRate: 0.5 });
  });

  it('lets a subclass add and override members without changing the parent', () => {
    class Parent {
      @Parameter() k = 1;
      @Parameter() temperature = 0.5;
    }
    class Child extends Parent {
      @Predictor('a -> b') override temperature!: never;
      @Parameter() extra = 2;
    }
    expect(membersOf(Child).map((spec) => [spec.name, spec.kind])).toEqual([
      ['k', 'parameter'],
      ['temperature', 'predictor'],
      ['extra', 'parameter'],
    ]);
    expect(membersOf(Parent).map((spec) => [spec.name, spec.kind])).toEqual([
      ['k', 'parameter'],
      ['temperature', 'parameter'],
    ]);
  });

  it('records signature fields separately from module members', () => {
    class Fields {
      @InputField({ desc: 'q' }) question!: string;
      @OutputField({ type: 'int' }) answer!: number;
    }
    expect(fieldsOf(Fields).map((spec) => [spec.name, spec.kind, spec.designType])).toEqual([
      ['question', 'input', String],
      ['answer', 'output', Number],
    ]);
    expect(membersOf(Fields)).toEqual([]);
  });

  it('rejects a static member at class definition time', () => {
    expect(() => {
      class Bad {
        @Parameter() static k = 3;
      }
      return Bad;
    }).toThrow(expect.objectContaining({ code: 'DECORATOR_MISUSE' }));
  });

  it('rejects a symbol key', () => {
    const key = Symbol('k');
    expect(() => Parameter()({}, key)).toThrow(expect.objectContaining({ code: 'DECORATOR_MISUSE' }));
  });

  it('rejects one property decorated twice', () => {
    expect(() => {
      class Twice {
        @Parameter() @Predictor('a -> b') k = 3;
      }
      return Twice;
    }).toThrow(expect.objectContaining({ code: 'DECORATOR_MISUSE' }));
  });

  it('rejects unknown and invalid options', () => {
    expect(() => Parameter({ learnRate: 1 } as never)).toThrow(expect.objectContaining({ code: 'DECORATOR_MISUSE' }));
    expect(() => Parameter({ momentum: 1.5 })).toThrow(expect.objectContaining({ code: 'DECORATOR_MISUSE' }));
    expect(() => SubModule({ type: 'Retriever' as never })).toThrow(expect.objectContaining({ code: 'DECORATOR_MISUSE' }));
    expect(() => InputField({ desc: 3 as never })).toThrow(expect.objectContaining({ code: 'DECORATOR_MISUSE' }));
  });

  it.each([
    ['@Parameter', () => Parameter({ momentom: 0.5 } as never), 'momentom', 'momentum'],
    ['@Predictor', () => Predictor('q -> a', { modul: Object } as never), 'modul', 'module'],
    ['@SubModule', () => SubModule({ typ: () => Object } as never), 'typ', 'type'],
    ['@InputField', () => InputField({ descr: 'x' } as never), 'descr', 'desc'],
    ['@OutputField', () => OutputField({ tpye: 'int' } as never), 'tpye', 'type'],
  ])('%s names a misspelt option with a did-you-mean', (_label, build, option, suggestion) => {
    expect(build).toThrow(expect.objectContaining({ code: 'DECORATOR_MISUSE', details: expect.objectContaining({ option, suggestion }) }));
  });

  it('rejects an unrelated unknown option, naming the decorator', () => {
    expect(() => Parameter({ color: 'red' } as never)).toThrow(
      expect.objectContaining({ code: 'DECORATOR_MISUSE', details: { decorator: 'Parameter', option: 'color', suggestion: undefined } }),
    );
  });
});

describe('decorators without experimentalDecorators', () => {
  /** The context TypeScript 5 passes to a standard (TC39) field decorator when `experimentalDecorators` is off. */
  function fieldContext(name: string): unknown {
    return {
      kind: 'field',
      name,
      static: false,
      private: false,
      access: { has: () => true, get: () => undefined, set: () => undefined },
      metadata: {},
      addInitializer: () => undefined,
    };
  }

  it.each([
    ['@Parameter', () => Parameter()],
    ['@Predictor', () => Predictor('question -> answer')],
    ['@SubModule', () => SubModule()],
    ['@InputField', () => InputField()],
    ['@OutputField', () => OutputField()],
  ])('%s called as a standard decorator names experimentalDecorators', (_label, build) => {
    const decorate = build() as unknown as (target: undefined, context: unknown) => void;
    let failure: unknown;
    try {
      decorate(undefined, fieldContext('answer'));
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({ code: 'DECORATOR_MISUSE', details: { member: 'answer', setting: 'experimentalDecorators' } });
    expect((failure as Error).message).toContain('"experimentalDecorators": true');
  });

  it('names experimentalDecorators for a class TypeScript compiled with standard decorators', () => {
    // Compile a decorated class the way a project without experimentalDecorators would, then run it.
    const ts = jest.requireActual<typeof import('typescript')>('typescript');
    const source = "import { Parameter } from 'dspex';\nexport class Retriever { @Parameter() k = 3; }\n";
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, experimentalDecorators: false },
    });
    const run = new Function('require', 'exports', outputText) as (require: (name: string) => unknown, exports: object) => void;
    expect(() => run(() => ({ Parameter }), {})).toThrow(
      expect.objectContaining({ code: 'DECORATOR_MISUSE', details: expect.objectContaining({ setting: 'experimentalDecorators', member: 'k' }) }),
    );
  });
});
