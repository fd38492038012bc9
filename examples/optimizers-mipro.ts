import pino from 'pino';
import { Evaluate, MIPROv2, context } from 'dspex';
import { Categorize, categoryMatch, makeExamples, makePromptLM, makeTaskLM } from './optimizers-instruction-task';

/** MIPROv2: propose instructions, bootstrap demo sets, and search the best combination. */
export async function main(): Promise<void> {
  const logger = pino({ level: 'silent' });
  const trainset = makeExamples(100);
  const valset = makeExamples(100, 1000);
  const devset = makeExamples(100, 2000);
  const program = new Categorize();

  const mipro = new MIPROv2({
    metric: categoryMatch,
    auto: 'light', // DSPy's smallest preset: 10 trials, at most 100 validation examples
    promptModel: makePromptLM(1), // proposes instructions (default: the configured LM)
    seed: 9,
    displayProgress: false,
    logger,
  });
  const compiled = await context({ lm: makeTaskLM() }, () => mipro.compile(program, { trainset, valset }));

  console.log(compiled.classify.signature.instructions, `(${compiled.classify.demos.length} demos)`);
  for (const trial of compiled.optimization.trials ?? []) {
    console.log(trial.trial, trial.kind, trial.params.classify, trial.score);
  }
  // 1 full { instruction: 0, demos: 0 } 14        (the program as written, on the whole valset)
  // 2 minibatch { instruction: 2, demos: 3 } 34.29 (a combination the sampler chose, on 35 examples)
  // …
  console.log('LM calls', compiled.optimization.lmCalls, 'metric calls', compiled.optimization.metricCalls);

  const evaluate = new Evaluate({ devset, metric: categoryMatch, logger });
  await context({ lm: makeTaskLM() }, async () => {
    console.log('before', (await evaluate.run(program)).score);
    console.log('after ', (await evaluate.run(compiled)).score);
  });
}

if (require.main === module) void main();
