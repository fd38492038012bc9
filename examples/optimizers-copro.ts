import pino from 'pino';
import { COPRO, Evaluate, context } from 'dspex';
import { Categorize, categoryMatch, makeExamples, makePromptLM, makeTaskLM } from './optimizers-instruction-task';

/** COPRO: let a prompt model rewrite the instruction, round after round, keeping what scores best. */
export async function main(): Promise<void> {
  const logger = pino({ level: 'silent' });
  const trainset = makeExamples(30);
  const devset = makeExamples(100, 500);
  const evaluate = new Evaluate({ devset, metric: categoryMatch, logger });
  const program = new Categorize();

  const copro = new COPRO({
    metric: categoryMatch,
    breadth: 4, // instructions proposed per round
    depth: 3, // rounds; later rounds see the best attempts and their scores
    promptModel: makePromptLM(1), // proposes instructions (default: the configured LM)
    displayProgress: false,
    logger,
  });
  const compiled = await context({ lm: makeTaskLM() }, () => copro.compile(program, { trainset }));

  console.log(compiled.classify.signature.instructions);
  // e.g. Classify the item in the question. Reply with one word. Answer in lowercase. …
  const { score, lmCalls, metricCalls } = compiled.optimization;
  console.log({ score, lmCalls, metricCalls }); // score on the trainset; 12 candidates × 30 examples, plus 3 proposal requests

  await context({ lm: makeTaskLM() }, async () => {
    console.log('before', (await evaluate.run(program)).score); // before 16
    console.log('after ', (await evaluate.run(compiled)).score); // after  well above it
  });
}

if (require.main === module) void main();
