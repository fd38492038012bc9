import type { Metric } from '../evaluate/metric';
import type { Logger } from '../logging/logger';
import type { Example } from '../primitives/example';
import type { Module } from '../primitives/module';
import { BootstrapFewShot } from './bootstrap-few-shot';
import type { DemoCandidates } from './grounded-proposer';
import { labelDemos } from './labeled-few-shot';
import type { SeededRandom } from '../util/seeded-random';

/** Options of `createDemoCandidates` (DSPy's `create_n_fewshot_demo_sets`). */
export interface DemoCandidatesOptions {
  student: Module;
  /** Sets in all, the three fixed ones included (DSPy's `num_candidate_sets`). */
  count: number;
  trainset: readonly Example[];
  maxBootstrappedDemos: number;
  maxLabeledDemos: number;
  metric: Metric;
  metricThreshold?: number;
  maxErrors: number;
  concurrency: number;
  teacher?: Module;
  random: SeededRandom;
  signal?: AbortSignal;
  logger: Logger;
}

/**
 * DSPy's `create_n_fewshot_demo_sets` (random search's candidates, reused by MIPROv2): seed −3 no
 * demos, −2 labeled demos only, −1 BootstrapFewShot on the trainset in order, then each later set
 * BootstrapFewShot on a trainset shuffled by the shared generator, with a random number
 * (1…maxBootstrappedDemos) of bootstrapped demos.
 * @returns per predictor index, one demo list per set.
 */
export async function createDemoCandidates(options: DemoCandidatesOptions): Promise<DemoCandidates> {
  const { student, random } = options;
  const predictorCount = student.predictors().length;
  const candidates: DemoCandidates = Array.from({ length: predictorCount }, () => []);
  const bootstrap = (maxBootstrappedDemos: number, trainset: readonly Example[]): Promise<Module> =>
    new BootstrapFewShot({
      metric: options.metric,
      metricThreshold: options.metricThreshold,
      maxBootstrappedDemos,
      maxLabeledDemos: options.maxLabeledDemos,
      maxErrors: options.maxErrors,
      concurrency: options.concurrency,
      displayProgress: false,
      logger: options.logger,
    }).compile(student, { trainset, teacher: options.teacher, signal: options.signal });
  for (let seed = -3; seed < options.count - 3; seed += 1) {
    options.signal?.throwIfAborted();
    const trainset = [...options.trainset];
    let program: Module;
    if (seed === -3) program = student.resetCopy();
    else if (seed === -2 && options.maxLabeledDemos > 0) program = labelDemos(student, trainset, options.maxLabeledDemos, true);
    else if (seed === -1) program = await bootstrap(options.maxBootstrappedDemos, trainset);
    else {
      // Later sets (and seed −2 when there are no labeled demos to take, as DSPy falls through).
      random.shuffle(trainset);
      program = await bootstrap(random.randint(1, options.maxBootstrappedDemos), trainset);
    }
    program.predictors().forEach((predictor, index) => candidates[index].push([...predictor.demos]));
  }
  return candidates;
}
