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
});
