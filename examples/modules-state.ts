import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { IsInt, Min } from 'class-validator';
import { Module, Parameter, Predict, Prediction, StateValidationError } from 'dspex';

class QA extends Module {
  @Parameter() @IsInt() @Min(1) retrieveK = 3;
  answer = new Predict('context, question -> answer');

  async forward(inputs: { context: string; question: string }): Promise<Prediction> {
    return this.answer.forward(inputs);
  }
}

/** Saving a program writes what was learned (demos, instructions, parameters) as JSON in DSPy's layout. */
export async function main(): Promise<void> {
  const program = new QA();
  program.retrieveK = 5;
  program.answer.demos = [{ context: 'Paris is in France.', question: 'Where is Paris?', answer: 'France' }];

  const directory = await mkdtemp(path.join(os.tmpdir(), 'dspex-modules-state-'));
  try {
    const file = path.join(directory, 'qa.json');
    await program.save(file);
    console.log(await readFile(file, 'utf8'));

    const restored = await new QA().load(file);
    console.log(restored.retrieveK, restored.answer.demos.length); // 5 1
  } finally {
    await rm(directory, { recursive: true, force: true });
  }

  // Loading is all or nothing: state that does not fit changes nothing.
  const fresh = new QA();
  try {
    fresh.loadState({ ...program.dumpState(), parameters: { retrieveK: 0 } });
  } catch (error) {
    if (!(error instanceof StateValidationError)) throw error;
    console.log(error.code, fresh.retrieveK, fresh.answer.demos.length); // STATE_INVALID 3 0
  }
}

if (require.main === module) void main();
