import pino from 'pino';
import { Evaluate, LabeledFewShot, answerExactMatch, context } from 'dspex';
import { QA, devset, makeLM, trainset } from './optimizers-task';

/** LabeledFewShot: put labeled training examples into the prompt as demos. No LM calls while compiling. */
export async function main(): Promise<void> {
  const evaluate = new Evaluate({ devset, metric: answerExactMatch, logger: pino({ level: 'silent' }) });
  const program = new QA();

  const compiled = await new LabeledFewShot({ k: 4 }).compile(program, { trainset });
  console.log(compiled.generate.demos.length, compiled.compiled, program.generate.demos.length); // 4 true 0

  await context({ lm: makeLM() }, async () => {
    console.log('before', (await evaluate.run(program)).score); // before 0
    console.log('after ', (await evaluate.run(compiled)).score); // after  100  (the 4 demos happen to cover every topic)
  });
}

if (require.main === module) void main();
