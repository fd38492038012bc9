import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Evaluate, MIPROv2, Supervisor, configure, type Prediction } from 'dspex';
import { Categorize, categoryMatch, makeExamples, makePromptLM, makeTaskLM } from './optimizers-instruction-task';

/** From a baseline to MIPROv2, then the winner deployed with hotSwap while calls keep arriving. */
export async function main(): Promise<void> {
  const logger = pino({ level: 'silent' });
  configure({ lm: makeTaskLM() }); // the task model: every program run uses it
  const trainset = makeExamples(100);
  const valset = makeExamples(100, 1000);
  const devset = makeExamples(100, 2000); // never seen by the optimizer: this is what we report
  const evaluate = new Evaluate({ devset, metric: categoryMatch, logger });

  // 1. The baseline: the program as written, with DSPy's default instruction.
  const baseline = new Categorize();
  console.log('baseline', (await evaluate.run(baseline)).score); // baseline 16

  // 2. MIPROv2: instructions from the prompt model, demo sets bootstrapped, the best pair searched.
  const mipro = new MIPROv2({ metric: categoryMatch, auto: 'light', promptModel: makePromptLM(1), displayProgress: false, logger });
  const tuned = await mipro.compile(baseline, { trainset, valset });
  console.log('MIPROv2 ', (await evaluate.run(tuned)).score); // MIPROv2  well above the baseline
  console.log(tuned.classify.signature.instructions); // the instruction it chose
  console.log(`${tuned.optimization.lmCalls} LM calls, ${tuned.optimization.metricCalls} metric calls`);

  // 3. Save the winner: instructions and demos, in DSPy's format.
  const directory = await mkdtemp(path.join(tmpdir(), 'tutorial-'));
  const file = path.join(directory, 'categorize.json');
  await tuned.save(file);

  // 4. Deploy: the service runs the baseline; swap in the saved winner without dropping a call.
  const supervisor = new Supervisor({ logger });
  const service = await supervisor.startChild({ id: 'categorize', start: () => new Categorize(), version: 'baseline' });
  const questions = devset.slice(0, 40);
  const inFlight = questions.map((example) => service.forward({ question: String(example.question) }));
  await supervisor.hotSwap('categorize', {
    version: 'mipro-v2',
    start: async () => {
      const program = new Categorize();
      await program.load(file);
      return program;
    },
  });
  const afterSwap = questions.map((example) => service.forward({ question: String(example.question) }));
  const correct = (answers: Prediction[]): number => answers.filter((answer, index) => answer.answer === questions[index].answer).length;
  console.log(`during the swap: ${(await Promise.all(inFlight)).length} answered`); // during the swap: 40 answered
  console.log(`after the swap: ${correct(await Promise.all(afterSwap))} of 40 correct, version ${service.version}`);
  await supervisor.stop({ drain: true });
  await rm(directory, { recursive: true, force: true });
}

if (require.main === module) void main();
