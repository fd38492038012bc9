import { loadavg } from 'node:os';
import pino from 'pino';
import {
  BaseLM,
  COPRO,
  Evaluate,
  GEPA,
  MIPROv2,
  context,
  type BaseLMOptions,
  type ChatMessage,
  type GEPAMetric,
  type LMCallOptions,
  type LMOutput,
} from 'dspex';
import { Categorize, categoryFeedback, categoryMatch, makeExamples, makePromptLM, makeReflectionLM, makeTaskLM } from '../examples/optimizers-instruction-task';
import { TPESampler, type CategoricalParams, type CategoricalSpace } from '../lib/optimizers/tpe-sampler';
import { SeededRandom } from '../lib/util/seeded-random';
import { formatDuration, measure, record, section } from './harness';

const logger = pino({ level: 'silent' });

/** Another LM's answers, after `delayMs`, as a remote model would give them. */
class DelayedLM extends BaseLM {
  constructor(
    private readonly inner: BaseLM,
    private readonly delayMs: number,
  ) {
    super(`delayed-${delayMs}ms`, { cache: false, historySize: 0 });
  }

  async forward(messages: readonly ChatMessage[], options: LMCallOptions): Promise<LMOutput> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return this.inner.forward(messages, options);
  }

  copy(overrides: Partial<BaseLMOptions> = {}): DelayedLM {
    return new DelayedLM(this.inner.copy(overrides), this.delayMs);
  }
}

/** A seeded landscape over (instruction, demo set) for two predictors: each choice adds a random quality. */
function trialsToBest(seed: number, space: CategoricalSpace, cap: number, isRandom: boolean): number {
  const random = new SeededRandom(seed);
  const quality = Object.fromEntries(Object.entries(space).map(([name, count]) => [name, Array.from({ length: count }, () => random.random())]));
  const best = Object.fromEntries(Object.entries(quality).map(([name, values]) => [name, values.indexOf(Math.max(...values))]));
  const score = (params: CategoricalParams): number => Object.keys(space).reduce((sum, name) => sum + quality[name][params[name]], 0);
  const sampler = new TPESampler(space, { seed, nStartupTrials: isRandom ? Infinity : 10 });
  for (let trial = 1; trial <= cap; trial += 1) {
    const params = sampler.ask();
    if (Object.keys(space).every((name) => params[name] === best[name])) return trial;
    sampler.tell(params, score(params));
  }
  return cap;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((left, right) => left - right);
  return (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
};

/**
 * Instruction optimizers on the simulated task (examples/optimizers-instruction-task.ts): scores
 * before and after, MIPROv2 light's framework time with an instant LM (target < 2 s) and its wall
 * time and LM calls with a 10 ms LM, and TPE against random search on seeded landscapes.
 */
export async function run(): Promise<void> {
  const trainset = makeExamples(100);
  const valset = makeExamples(100, 1000);
  const devset = makeExamples(200, 5000);
  const evaluate = new Evaluate({ devset, metric: categoryMatch, logger });
  const devScore = (program: Categorize): Promise<number> => context({ lm: makeTaskLM() }, async () => (await evaluate.run(program)).score);

  record('machine load (1-minute average; the machine is shared, so times vary with it)', loadavg()[0].toFixed(2));
  section('instruction optimizers: dev score before → after (simulated task, 200 dev examples)');
  const baseline = await devScore(new Categorize());
  const copro = new COPRO({ metric: categoryMatch, breadth: 4, depth: 3, promptModel: makePromptLM(1), displayProgress: false, logger });
  const coproCompiled = await context({ lm: makeTaskLM() }, () => copro.compile(new Categorize(), { trainset: trainset.slice(0, 30) }));
  record('COPRO (breadth 4, depth 3, 30 train)', `${baseline} → ${await devScore(coproCompiled)}`, 'well above baseline');
  const light = new MIPROv2({ metric: categoryMatch, auto: 'light', promptModel: makePromptLM(1), displayProgress: false, logger });
  const miproCompiled = await context({ lm: makeTaskLM() }, () => light.compile(new Categorize(), { trainset, valset }));
  record("MIPROv2 auto 'light' (100 train / 100 val)", `${baseline} → ${await devScore(miproCompiled)}`, 'well above baseline');
  const gepa = (metric: GEPAMetric): Promise<Categorize> =>
    context({ lm: makeTaskLM() }, () =>
      new GEPA({ metric, reflectionLM: makeReflectionLM(), auto: 'light', logger }).compile(new Categorize(), { trainset, valset: valset.slice(0, 40) }),
    );
  record("GEPA auto 'light' (100 train / 40 val)", `${baseline} → ${await devScore(await gepa(categoryFeedback))}`, 'well above baseline');
  const withoutFeedback: GEPAMetric = async (...args) => {
    const value = await categoryFeedback(...args);
    return { score: typeof value === 'object' ? value.score : value, feedback: '' };
  };
  record("GEPA auto 'light', the metric's feedback emptied", `${baseline} → ${await devScore(await gepa(withoutFeedback))}`, 'below GEPA with feedback');

  section("MIPROv2 auto 'light', 100 train / 100 val: framework time (instant scripted LMs)");
  const instant = await measure(
    'MIPROv2.compile (instant LM)',
    () => context({ lm: makeTaskLM() }, () => light.compile(new Categorize(), { trainset, valset })),
    {
      batch: 1,
      samples: 5,
      warmupSamples: 1,
      targetNs: 2e9,
    },
  );
  record('  framework time per compile', formatDuration(instant.medianNs), '< 2 s', instant.medianNs < 2e9);

  section("MIPROv2 auto 'light', 100 train / 100 val: LMs answering after 10 ms, concurrency 16");
  let optimization = miproCompiled.optimization;
  const slow = new MIPROv2({
    metric: categoryMatch,
    auto: 'light',
    promptModel: new DelayedLM(makePromptLM(1), 10),
    concurrency: 16,
    displayProgress: false,
    logger,
  });
  await measure(
    'MIPROv2.compile (10 ms LM)',
    async () => {
      optimization = (await context({ lm: new DelayedLM(makeTaskLM(), 10) }, () => slow.compile(new Categorize(), { trainset, valset }))).optimization;
    },
    { batch: 1, samples: 3, warmupSamples: 0 },
  );
  const programRuns = optimization.trials!.at(-1)!.evalCallsSoFar;
  record('  LM calls (task + prompt)', String(optimization.lmCalls));
  record('  program runs in the search (minibatches + full evals)', String(programRuns), "DSPy's estimate 35 × 10 + 100 × 3 = 650", programRuns === 650);
  record('  metric calls (search + bootstrapping)', String(optimization.metricCalls));
  record(
    '  prompt-model requests',
    String(optimization.lmCalls - optimization.metricCalls),
    "DSPy's estimate 10 + 3 + 2 = 15 (its proposer really makes 3 per instruction)",
  );
  record('  LM calls against DSPy light estimate', `${optimization.lmCalls} vs 650 + 15 = 665`, 'DSPy leaves bootstrapping out of its estimate');

  section('TPE vs random search: trials until the best (instruction, demo set) pair of 2 predictors (5 × 6 each), median of 20 seeds');
  const space = { '0_predictor_demos': 6, '0_predictor_instruction': 5, '1_predictor_demos': 6, '1_predictor_instruction': 5 };
  const seeds = Array.from({ length: 20 }, (_, index) => index);
  const tpe = median(seeds.map((seed) => trialsToBest(seed, space, 2000, false)));
  const random = median(seeds.map((seed) => trialsToBest(seed, space, 2000, true)));
  record('  TPE (multivariate, 10 startup trials)', `${tpe} trials`);
  record('  random search', `${random} trials`, 'TPE fewer', tpe < random);
}

if (require.main === module) {
  run().catch((error: unknown) => {
    process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
    process.exitCode = 1;
  });
}
