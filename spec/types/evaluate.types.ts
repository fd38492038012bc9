// Type tests: a metric reads the program's prediction type, through Evaluate and optimizers.
import { BootstrapFewShot, Evaluate, Example, Module, Predict, Prediction, answerExactMatch, type ForwardResult, type Metric } from 'dspex';
import { expectType, type Equal } from './expect-type';

class QA extends Module {
  generate = new Predict('message -> answer: int');

  async forward(inputs: { message: string }): Promise<Prediction<{ answer: number }>> {
    return this.generate.forward(inputs);
  }
}

class Classify extends Module {
  async forward(): Promise<Prediction<{ label: 'a' | 'b' }>> {
    return new Prediction({ label: 'a' }) as Prediction<{ label: 'a' | 'b' }>;
  }
}

const devset = [new Example({ message: 'hi', answer: 3 }).withInputs('message')];

export async function typedMetrics(): Promise<void> {
  // A metric typed by the program: prediction.answer is a number.
  const metric: Metric<ForwardResult<QA>> = (example, prediction) => {
    expectType<Equal<typeof prediction.answer, number>>();
    // @ts-expect-error a field the program's predictions do not have
    void prediction.answr;
    return prediction.answer === example.answer;
  };
  const evaluate = new Evaluate({ devset, metric });
  await evaluate.run(new QA());
  // @ts-expect-error a program whose predictions the metric cannot read
  await evaluate.run(new Classify());

  // Given explicitly, the type argument types an inline metric.
  const inline = new Evaluate<ForwardResult<QA>>({ devset, metric: (_example, prediction) => prediction.answer > 0 });
  const { results } = await inline.run(new QA());
  void results;

  // A metric passed to run() reads that program's predictions.
  await new Evaluate({ devset, metric: answerExactMatch }).run(new Classify(), {
    metric: (_example, prediction) => {
      expectType<Equal<typeof prediction.label, 'a' | 'b'>>();
      return prediction.label === 'a';
    },
  });
  await new Evaluate({ devset, metric: answerExactMatch }).run(new Predict('q -> a: bool'), {
    // @ts-expect-error a field the predictor does not output
    metric: (_example, prediction) => prediction.b === true,
  });

  // Untyped metrics and loosely typed programs keep compiling, and a typed metric goes to optimizers too.
  await new Evaluate({ devset, metric: (example, prediction) => example.answer === prediction.answer }).run(new QA());
  await new Evaluate({ devset, metric: answerExactMatch }).run(new Predict('question -> answer') as Module);
  const optimizer = new BootstrapFewShot({ metric });
  void optimizer;
}
