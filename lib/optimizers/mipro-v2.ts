import { OptimizerError, describeProblem } from '../errors';
import type { Metric } from '../evaluate/metric';
import type { BaseLM } from '../lm/base-lm';
import { getRootLogger, type Logger } from '../logging/logger';
import type { Example } from '../primitives/example';
import type { Module } from '../primitives/module';
import { createDemoCandidates } from './demo-candidates';
import { proposeInstructions } from './grounded-proposer';
import {
  LM_RULE,
  RUN_OPTION_RULES,
  attachOptimization,
  checkInstructionCompile,
  checkOptimizerOptions,
  type InstructionOptimizerRunOptions,
  type OptimizationSummary,
  type OptimizedProgram,
} from './instruction-optimizer-options';
import { searchPromptParameters, type MIPROTrial } from './mipro-search';
import { OptimizerRun } from './optimizer-run';
import { SeededRandom } from '../util/seeded-random';
import type { CompileOptions, Teleprompter } from './teleprompter';

/** DSPy's `AUTO_RUN_SETTINGS`: candidates `n` and valset size per preset. */
export const MIPRO_AUTO_SETTINGS = {
  light: { n: 6, valSize: 100 },
  medium: { n: 12, valSize: 300 },
  heavy: { n: 18, valSize: 1000 },
} as const;

/** Options of `new MIPROv2(options)`: DSPy's constructor and compile options, camelCased. */
export interface MIPROv2Options extends InstructionOptimizerRunOptions {
  metric: Metric;
  /**
   * A preset budget (DSPy's): sets the candidates, trials and valset size. `null` requires `numCandidates` and `numTrials`.
   * @default 'light'
   */
  auto?: 'light' | 'medium' | 'heavy' | null;
  /** Instruction candidates and demo-set candidates per predictor (only with `auto: null`). */
  numCandidates?: number;
  /** Search trials (only with `auto: null`). */
  numTrials?: number;
  /**
   * Score trials on minibatches of the valset, with full evaluations every `minibatchFullEvalSteps` trials.
   * @default true
   */
  minibatch?: boolean;
  /** @default 35 */
  minibatchSize?: number;
  /** @default 5 */
  minibatchFullEvalSteps?: number;
  /** @default 4 */
  maxBootstrappedDemos?: number;
  /** @default 4 */
  maxLabeledDemos?: number;
  /** Temperature of instruction proposals. @default 1.0 */
  initTemperature?: number;
  /** The LM that proposes instructions (default the task LM). */
  promptModel?: BaseLM;
  /** The LM the program runs under while optimizing (default the `context()`/`configure()` LM). */
  taskModel?: BaseLM;
  /** Seeds every random choice (Python's `random.Random(seed)` draws). @default 9 */
  seed?: number;
  /** Adds the trial log and the instruction candidates to `compiled.optimization`. @default true */
  trackStats?: boolean;
  /** Bootstrapped traces must score at least this (BootstrapFewShot's `metricThreshold`). */
  metricThreshold?: number;
  /** Examples per dataset-summary request. @default 10 */
  viewDataBatchSize?: number;
  /** Show the prompt model the program's code and description. @default true */
  programAwareProposer?: boolean;
  /** Show the prompt model a summary of the trainset. @default true */
  dataAwareProposer?: boolean;
  /** Give each proposal a random prompting tip. @default true */
  tipAwareProposer?: boolean;
  /** Show the prompt model bootstrapped demos. @default true */
  fewshotAwareProposer?: boolean;
}

/** `compiled.optimization` after MIPROv2. */
export interface MIPROv2Optimization extends OptimizationSummary {
  numTrials: number;
  /** With `trackStats`: every trial, in order. */
  trials?: MIPROTrial[];
  /** With `trackStats`: the instruction candidates per predictor name (index 0: the original). */
  instructionCandidates?: Record<string, string[]>;
}

const RULES = {
  metric: { kind: 'function', required: true },
  auto: { kind: 'oneOf', values: ['light', 'medium', 'heavy', null] },
  numCandidates: { kind: 'integer', min: 1 },
  numTrials: { kind: 'integer', min: 1 },
  minibatch: { kind: 'boolean' },
  minibatchSize: { kind: 'integer', min: 1 },
  minibatchFullEvalSteps: { kind: 'integer', min: 1 },
  maxBootstrappedDemos: { kind: 'integer', min: 0 },
  maxLabeledDemos: { kind: 'integer', min: 0 },
  initTemperature: { kind: 'number', min: 0 },
  promptModel: LM_RULE,
  taskModel: LM_RULE,
  seed: { kind: 'integer' },
  trackStats: { kind: 'boolean' },
  metricThreshold: { kind: 'number' },
  viewDataBatchSize: { kind: 'integer', min: 1 },
  programAwareProposer: { kind: 'boolean' },
  dataAwareProposer: { kind: 'boolean' },
  tipAwareProposer: { kind: 'boolean' },
  fewshotAwareProposer: { kind: 'boolean' },
  ...RUN_OPTION_RULES,
} as const;
const COMPILE_KEYS = ['trainset', 'valset', 'teacher', 'signal'];

/** DSPy's `_set_num_trials_from_num_candidates`: max(2·M·log2(N), 1.5·N), M = predictors (×2 with demos). */
export function miproNumTrials(predictorCount: number, isZeroShot: boolean, numCandidates: number): number {
  const variables = isZeroShot ? predictorCount : predictorCount * 2;
  return Math.floor(Math.max(2 * variables * Math.log2(numCandidates), 1.5 * numCandidates));
}

function fail(problem: string, received: string, fix: string, option: string): never {
  throw new OptimizerError(describeProblem(`MIPROv2: ${problem}`, received, fix), { details: { option } });
}

/**
 * DSPy's MIPROv2: (1) bootstraps demo-set candidates per predictor, (2) proposes instruction
 * candidates with a grounded proposer (dataset summary, program description, demos, a random
 * tip), (3) searches (instruction, demo set) per predictor with a TPE sampler on minibatches of
 * the valset, with periodic full evaluations. The best fully evaluated program is returned.
 * Cost with `auto: 'light'` and one predictor: 10 trials of 35 examples plus 3 full evaluations
 * of the valset (≤ 100 examples), a few bootstrap runs, and about 15 prompt-model requests.
 * @example
 * const mipro = new MIPROv2({ metric: answerExactMatch, auto: 'light' });
 * const compiled = await mipro.compile(program, { trainset, valset });
 * const { score, lmCalls } = compiled.optimization;
 */
export class MIPROv2 implements Teleprompter {
  readonly options: Readonly<MIPROv2Options>;
  readonly auto: 'light' | 'medium' | 'heavy' | null;
  readonly seed: number;
  readonly #log: Logger;

  /** @throws {OptimizerError} OPTIMIZER_INVALID for a missing metric, `numCandidates`/`numTrials` with `auto`, or a bad or unknown option. */
  constructor(options: MIPROv2Options) {
    checkOptimizerOptions<MIPROv2Options>('MIPROv2', options, RULES);
    this.auto = options.auto === undefined ? 'light' : options.auto;
    if (this.auto !== null && (options.numCandidates !== undefined || options.numTrials !== undefined)) {
      fail(
        `numCandidates and numTrials cannot be set with auto "${this.auto}" (the preset sets them).`,
        `numCandidates ${options.numCandidates}, numTrials ${options.numTrials}`,
        'Leave them out, or pass auto: null with both.',
        options.numCandidates !== undefined ? 'numCandidates' : 'numTrials',
      );
    }
    if (this.auto === null && (options.numCandidates === undefined || options.numTrials === undefined)) {
      const hint =
        options.numCandidates === undefined
          ? 'Pass numCandidates (e.g. 6) and numTrials.'
          : `Pass numTrials too (about ${miproNumTrials(1, false, options.numCandidates)} for one predictor).`;
      fail(
        'with auto: null, numCandidates and numTrials are required.',
        `numCandidates ${options.numCandidates}, numTrials ${options.numTrials}`,
        hint,
        options.numCandidates === undefined ? 'numCandidates' : 'numTrials',
      );
    }
    this.options = { ...options };
    this.seed = options.seed ?? 9;
    this.#log = (options.logger ?? getRootLogger()).child({ component: 'mipro-v2' });
  }

  /**
   * Optimizes a copy of `student` and returns the best program found, `compiled === true`, with
   * `optimization` attached. Without a `valset`, the last 80% of the trainset (at most 1000) is used.
   * @throws {OptimizerError} OPTIMIZER_INVALID for bad sets, a compiled student, a minibatch larger than the valset, or no LM.
   * @throws {EvaluationError} EVALUATION_FAILED when bootstrapping fails `maxErrors` times; the caller's `signal.reason`.
   */
  async compile<T extends Module>(student: T, options: CompileOptions): Promise<OptimizedProgram<T, MIPROv2Optimization>> {
    const signal = checkInstructionCompile('MIPROv2', student, options, COMPILE_KEYS, { isUncompiledRequired: true });
    const o = this.options;
    const run = new OptimizerRun({
      owner: 'MIPROv2',
      metric: o.metric,
      taskModel: o.taskModel,
      promptModel: o.promptModel,
      isPromptModelRequired: true,
      signal,
      concurrency: o.concurrency ?? 16,
      maxErrors: o.maxErrors ?? 10,
      log: this.#log,
    });
    return run.scope(() => this.#compile(student, options, run));
  }

  async #compile<T extends Module>(student: T, options: CompileOptions, run: OptimizerRun): Promise<OptimizedProgram<T, MIPROv2Optimization>> {
    const o = this.options;
    const random = new SeededRandom(this.seed);
    const maxBootstrappedDemos = o.maxBootstrappedDemos ?? 4;
    const maxLabeledDemos = o.maxLabeledDemos ?? 4;
    const isZeroShot = maxBootstrappedDemos === 0 && maxLabeledDemos === 0;
    const split = splitSets(options.trainset, options.valset);
    const trainset = split.trainset;
    let valset = split.valset;
    const predictorCount = student.predictors().length;
    let minibatch = o.minibatch ?? true;
    let numTrials = o.numTrials!;
    let numInstructions = o.numCandidates!;
    let numDemoSets = o.numCandidates!;
    if (this.auto !== null) {
      const preset = MIPRO_AUTO_SETTINGS[this.auto];
      valset = random.sample(valset, Math.min(preset.valSize, valset.length));
      minibatch = valset.length > 50;
      numInstructions = isZeroShot ? preset.n : Math.floor(preset.n * 0.5);
      numDemoSets = preset.n;
      numTrials = miproNumTrials(predictorCount, isZeroShot, preset.n);
    }
    const minibatchSize = o.minibatchSize ?? 35;
    if (minibatch && minibatchSize > valset.length) {
      fail(
        'minibatchSize cannot exceed the size of the valset.',
        `minibatchSize ${minibatchSize}, valset of ${valset.length}`,
        'Pass a smaller minibatchSize, a larger valset, or minibatch: false.',
        'minibatchSize',
      );
    }
    this.#log.info({ auto: this.auto, numTrials, minibatch, numDemoSets, numInstructions, valset: valset.length }, 'mipro settings');
    const program = student.deepcopy();

    // Step 1: demo-set candidates (zero-shot runs still bootstrap, to show the proposer demos).
    const demoCandidates = await run.withTaskModel(() =>
      createDemoCandidates({
        student: program,
        count: numDemoSets,
        trainset,
        maxBootstrappedDemos: isZeroShot ? 3 : maxBootstrappedDemos,
        maxLabeledDemos: isZeroShot ? 0 : maxLabeledDemos,
        metric: run.metric,
        metricThreshold: o.metricThreshold,
        maxErrors: o.maxErrors ?? 10,
        concurrency: o.concurrency ?? 16,
        teacher: options.teacher,
        random,
        signal: run.signal,
        logger: this.#log,
      }),
    );

    // Step 2: instruction candidates; the first of each predictor is replaced by its own instruction (DSPy).
    const instructionCandidates = await proposeInstructions({
      program,
      trainset,
      demoCandidates,
      count: numInstructions,
      run,
      random,
      initTemperature: o.initTemperature ?? 1.0,
      viewDataBatchSize: o.viewDataBatchSize ?? 10,
      programAware: o.programAwareProposer ?? true,
      dataAware: o.dataAwareProposer ?? true,
      tipAware: o.tipAwareProposer ?? true,
      fewshotAware: o.fewshotAwareProposer ?? true,
      log: this.#log,
    });
    program.predictors().forEach((predictor, index) => (instructionCandidates[index][0] = predictor.signature.instructions));

    // Step 3: the search.
    const result = await run.withTaskModel(() =>
      searchPromptParameters({
        program,
        instructionCandidates,
        demoCandidates: isZeroShot ? undefined : demoCandidates,
        valset,
        numTrials,
        minibatch,
        minibatchSize,
        minibatchFullEvalSteps: o.minibatchFullEvalSteps ?? 5,
        seed: this.seed,
        random,
        run,
        displayProgress: o.displayProgress ?? true,
      }),
    );
    const winner = result.program as T;
    winner.compiled = true;
    const summary: MIPROv2Optimization = { score: result.score, ...run.budget.snapshot(), numTrials };
    if (o.trackStats ?? true) {
      summary.trials = result.trials;
      const names = program.namedPredictors().map(([name]) => name);
      summary.instructionCandidates = Object.fromEntries(names.map((name, index) => [name, instructionCandidates[index]]));
    }
    this.#log.info({ score: result.score, lmCalls: summary.lmCalls, metricCalls: summary.metricCalls }, 'mipro finished');
    return attachOptimization(winner, summary);
  }
}

/** DSPy's `_set_and_validate_datasets`: without a valset, the last 80% of the trainset (at most 1000) becomes it. */
function splitSets(trainset: readonly Example[], valset: readonly Example[] | undefined): { trainset: readonly Example[]; valset: readonly Example[] } {
  if (valset !== undefined) return { trainset, valset };
  if (trainset.length < 2)
    fail('without a valset the trainset needs at least 2 examples.', `${trainset.length} example(s)`, 'Pass more examples, or a valset.', 'trainset');
  const size = Math.min(1000, Math.max(1, Math.floor(trainset.length * 0.8)));
  const cutoff = trainset.length - size;
  return { trainset: trainset.slice(0, cutoff), valset: trainset.slice(cutoff) };
}
