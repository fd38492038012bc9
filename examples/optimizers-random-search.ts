import pino from 'pino';
import { BootstrapFewShotWithRandomSearch, answerExactMatch, context } from 'dspex';
import { QA, devset, makeLM, trainset } from './optimizers-task';

/** BootstrapFewShotWithRandomSearch: build several candidate programs and keep the best on a validation set. */
export async function main(): Promise<void> {
  const search = new BootstrapFewShotWithRandomSearch({
    metric: answerExactMatch,
    maxBootstrappedDemos: 2,
    maxLabeledDemos: 3,
    numCandidatePrograms: 8, // random candidates, after the zero-shot, labeled-only and unshuffled ones
    logger: pino({ level: 'silent' }),
  });
  const best = await context({ lm: makeLM() }, () => search.compile(new QA(), { trainset, valset: devset }));

  // Every candidate, best first: seed −3 is zero-shot, −2 labeled demos only, −1 bootstrapped in order, ≥ 0 shuffled.
  for (const { seed, score } of best.candidatePrograms) console.log(`seed ${seed}: ${score}`);
  // seed 4: 100
  // seed 6: 100
  // seed -2: 66.67
  // …
  // seed -3: 0
  console.log(best.compiled, best === best.candidatePrograms[0].program); // true true
}

if (require.main === module) void main();
