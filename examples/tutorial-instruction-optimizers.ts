import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Evaluate, GEPA, MIPROv2, Supervisor, configure, type Prediction } from 'dspex';
import { Categorize, categoryFeedback, categoryMatch, makeExamples, makePromptLM, makeReflectionLM, makeTaskLM } from './optimizers-instruction-task';

/** From a baseline to MIPROv2 and to GEPA, then the better one deployed with hotSwap while calls keep arriving. */
export async function main(): Promise<void> {
  const logger = pino({ level: 'silent' });
  configure({ lm: makeTaskLM() }); // the task model: every program run uses it
  const trainset = makeExamples(100);
  const valset = makeExamples(100, 1000);
  const devset = makeExamples(100, 2000); // never seen by the optimizers: this is what we report
  const evaluate = new Evaluate({ devset, metric: categoryMatch, logger });

  // 1. The baseline: the program as written, with DSPy's default instruction.
  const baseline = new Categorize();
  console.log('baseline', (await evaluate.run(baseline)).score); // baseline 16

  // 2. MIPROv2: instructions from the prompt model, demo sets bootstrapped, the best pair searched.
  const mipro = new MIPROv2({ metric: categoryMatch, auto: 'light', promptModel: makePromptLM(1), displayProgress: false, logger });
  const tuned = await mipro.compile(baseline, { trainset, valset });
  const miproScore = (await evaluate.run(tuned)).score;
  console.log('MIPROv2 ', miproScore); // MIPROv2  well above the baseline
  console.log(`${tuned.optimization.lmCalls} LM calls, ${tuned.optimization.metricCalls} metric calls`);

  // 3. GEPA: a reflection model reads the metric's feedback and rewrites the instruction.
  const gepa = new GEPA({ metric: categoryFeedback, reflectionLM: makeReflectionLM(), auto: 'light', logger });
  const evolved = await gepa.compile(baseline, { trainset, valset: valset.slice(0, 40) });
  const gepaScore = (await evaluate.run(evolved)).score;
  console.log('GEPA    ', gepaScore); // GEPA     well above the baseline
  console.log(evolved.classify.signature.instructions); // the rules it learned from the feedback
  console.log(`${evolved.optimization.lmCalls} LM calls, ${evolved.optimization.metricCalls} metric calls`);

  // 4. Keep the better program on the devset, and save it: instructions and demos, in DSPy's format.
  const [winner, version] = gepaScore > miproScore ? [evolved, 'gepa'] : [tuned, 'mipro-v2'];
  const directory = await mkdtemp(path.join(tmpdir(), 'tutorial-'));
  const file = path.join(directory, 'categorize.json');
  await winner.save(file);

  // 5. Deploy: the service runs the baseline; swap in the saved winner without dropping a call.
  const supervisor = new Supervisor({ logger });
  const service = await supervisor.startChild({ id: 'categorize', start: () => new Categorize(), version: 'baseline' });
  const questions = devset.slice(0, 40);
  const inFlight = questions.map((example) => service.forward({ question: String(example.question) }));
  await supervisor.hotSwap('categorize', {
    version,
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
