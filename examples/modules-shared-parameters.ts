import { Max, Min } from 'class-validator';
import { Module, Parameter, ParameterStore, Prediction } from 'dspex';

/** A parameter bound to a key of a ParameterStore: every module that names the key shares the value. */
class Writer extends Module {
  @Parameter({ shared: 'examples.writer.temperature' }) @Min(0) @Max(2) temperature = 0.2;

  async forward(inputs: { topic: string }): Promise<Prediction> {
    return new Prediction({ text: `(${inputs.topic} at temperature ${this.temperature})` });
  }
}

export async function main(): Promise<void> {
  const first = new Writer();
  const second = new Writer();

  // Outside a supervisor, shared parameters live in ParameterStore.global.
  const unsubscribe = ParameterStore.global.subscribe('examples.writer.temperature', (value, previous) => {
    console.log(`temperature ${previous} → ${value}`);
  });
  first.temperature = 0.9; // temperature 0.2 → 0.9
  console.log(second.temperature); // 0.9
  unsubscribe();
}

if (require.main === module) void main();
