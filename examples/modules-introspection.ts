import { ChainOfThought, Module, Predict, Prediction } from 'dspex';

/** Predictors can sit in fields, in arrays and in plain objects; introspection finds them all. */
class MultiHop extends Module {
  hops = [new Predict('context, question -> query'), new Predict('context, question -> query')];
  tools = { search: new Predict('query -> passages: list[str]') };
  answer = new ChainOfThought('context: list[str], question -> answer');

  async forward(inputs: { question: string }): Promise<Prediction> {
    return this.answer.forward({ context: [], question: inputs.question });
  }
}

export async function main(): Promise<void> {
  const program = new MultiHop();

  // What optimizers tune: every predictor (and every @Parameter), named as DSPy names them.
  for (const [name, value] of program.namedParameters()) console.log(name, '→', value.constructor.name);

  // Every module reachable from the program, breadth-first.
  console.log(program.namedSubModules().map(([name]) => name));
}

if (require.main === module) void main();
