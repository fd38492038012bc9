import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IsInt, Max, Min } from 'class-validator';
import { ChainOfThought, DspexError, Module, Parameter, Predict, Prediction, Predictor, SubModule, context } from 'dspex';
import { chooseDemoLM } from './demo-lm';

const CORPUS = [
  'Paris is the capital and largest city of France.',
  'The Eiffel Tower was completed in 1889 for the World Fair in Paris.',
  'Berlin is the capital of Germany.',
  'The Seine flows through Paris.',
];

/** Finds passages that share words with the question; `k` is a tuned, constrained parameter. */
export class Retriever extends Module {
  @Parameter({ description: 'how many passages to retrieve' }) @IsInt() @Min(1) @Max(4) k = 2;

  async forward(inputs: { question: string }): Promise<Prediction> {
    const words = new Set(inputs.question.toLowerCase().match(/\w+/g) ?? []);
    const scored = CORPUS.map((passage) => ({ passage, score: (passage.toLowerCase().match(/\w+/g) ?? []).filter((word) => words.has(word)).length }));
    scored.sort((left, right) => right.score - left.score);
    return new Prediction({ passages: scored.slice(0, this.k).map((entry) => entry.passage) });
  }
}

/** Retrieves passages, then reasons over them to answer. */
export class QuestionAnswerer extends Module {
  @SubModule({ type: () => Retriever }) retrieve!: Retriever;
  @Predictor('context: list[str], question -> answer', { module: ChainOfThought }) generate!: ChainOfThought;

  async forward(inputs: { question: string }): Promise<Prediction> {
    const { passages } = await this.retrieve.forward(inputs);
    return this.generate.forward({ context: passages, question: inputs.question });
  }
}

/** The first part of the demo: a decorated program, its prompt, its parameters, and a save/load round trip. */
export async function runProgramDemo(options: { offline?: boolean } = {}): Promise<void> {
  const { lm, description, isOffline } = chooseDemoLM([{ reasoning: 'The first passage says Paris is the capital of France.', answer: 'Paris' }], options);
  console.log(`Running ${description}.\n`);

  const program = new QuestionAnswerer();
  const prediction = await context({ lm }, () => program.forward({ question: 'What is the capital of France?' }));

  console.log('--- The prompt dspex sent (DSPy ChatAdapter format) ---');
  const [call] = lm.history.slice(-1);
  for (const message of call.messages) console.log(`[${message.role}]\n${message.content}\n`);
  console.log('--- The prediction ---');
  console.log(prediction.toJSON());
  if (isOffline) console.log('(scripted answer: the LM is DummyLM)');

  console.log('\n--- namedParameters(): what optimizers tune ---');
  for (const [name, value] of program.namedParameters()) {
    console.log(`${name.padEnd(20)} ${value instanceof Predict ? `Predict(${String(value.signature)})` : `@Parameter = ${JSON.stringify(value.value)}`}`);
  }

  console.log('\n--- Constraints are enforced ---');
  try {
    program.setParameter('retrieve.k', 10);
  } catch (error) {
    if (!DspexError.is(error)) throw error;
    console.log(`setParameter('retrieve.k', 10) → ${error.code}; k is still ${program.retrieve.k}`);
  }
  program.setParameter('retrieve.k', 3);
  program.generate.predict.demos = [{ context: [CORPUS[2]], question: 'Capital of Germany?', reasoning: 'The passage says so.', answer: 'Berlin' }];

  console.log('\n--- Save and load (DSPy-compatible JSON) ---');
  const directory = mkdtempSync(path.join(os.tmpdir(), 'dspex-demo-'));
  try {
    const file = path.join(directory, 'program.json');
    await program.save(file);
    const restored = await new QuestionAnswerer().load(file);
    console.log(`saved to ${file}`);
    console.log(`restored retrieve.k = ${restored.retrieve.k}, demos = ${restored.generate.predict.demos.length}`);
    console.log(`state identical after round trip: ${JSON.stringify(restored.dumpState()) === JSON.stringify(program.dumpState())}`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
