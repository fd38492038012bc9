import { EvaluationError } from '../errors';
import type { Example } from '../primitives/example';
import type { Module } from '../primitives/module';
import type { DemoCandidates } from './grounded-proposer';
import { createOptimizerProgress } from './optimizer-progress';
import type { OptimizerRun } from './optimizer-run';
import { setPredictorPrompt } from './predictor-instructions';
import type { SeededRandom } from '../util/seeded-random';
import { TPESampler, type CategoricalParams } from './tpe-sampler';

/** One entry of MIPROv2's trial log (`compiled.optimization.trials`). */
export interface MIPROTrial {
  /** DSPy's trial number (1 is the default program; full evaluations take their own number). */
  trial: number;
  /** `minibatch`: scored on a random minibatch of the valset; `full`: on the whole valset. */
  kind: 'minibatch' | 'full';
  /** The instruction and demo-set indices chosen, per predictor name (index 0 is the original instruction / no demos). */
  params: Record<string, { instruction: number; demos?: number }>;
  score: number;
  /** Examples evaluated so far, this trial included (DSPy's `total_eval_calls_so_far`). */
  evalCallsSoFar: number;
}

/** What step 3 needs. */
export interface MIPROSearchOptions {
  program: Module;
  instructionCandidates: string[][];
  demoCandidates: DemoCandidates | undefined;
  valset: readonly Example[];
  numTrials: number;
  minibatch: boolean;
  minibatchSize: number;
  minibatchFullEvalSteps: number;
  seed: number;
  random: SeededRandom;
  run: OptimizerRun;
  displayProgress: boolean;
}

/** The search's outcome. */
export interface MIPROSearchResult {
  program: Module;
  score: number;
  trials: MIPROTrial[];
}

interface Scored {
  score: number;
  program: Module;
  params: CategoricalParams;
}

/** Optuna's parameter names, as DSPy names them (`0_predictor_instruction`, `0_predictor_demos`), in sorted order. */
function searchSpace(instructions: string[][], demos: DemoCandidates | undefined): Record<string, number> {
  const space: Record<string, number> = {};
  instructions.forEach((list, index) => {
    space[`${index}_predictor_instruction`] = list.length;
    if (demos !== undefined) space[`${index}_predictor_demos`] = demos[index].length;
  });
  return Object.fromEntries(Object.entries(space).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)));
}

/**
 * DSPy's `_optimize_prompt_parameters`: scores the default program on the valset, then for
 * `numTrials` trials lets the TPE sampler choose an (instruction, demo set) per predictor and scores
 * the candidate on a random minibatch; every `minibatchFullEvalSteps` trials (and at the end) the
 * combination with the best mean minibatch score not yet fully evaluated is scored on the whole
 * valset, and that score is told to the sampler too. Only full scores decide the winner.
 */
export async function searchPromptParameters(options: MIPROSearchOptions): Promise<MIPROSearchResult> {
  const { program, instructionCandidates, demoCandidates, valset, numTrials, minibatch, run } = options;
  const steps = options.minibatchFullEvalSteps;
  const names = program.namedPredictors().map(([name]) => name);
  const adjusted = minibatch ? numTrials + Math.floor(numTrials / steps) + 1 + (numTrials % steps !== 0 ? 1 : 0) : numTrials;
  const evaluate = async (candidate: Module, batchSize: number): Promise<number> => {
    const devset = batchSize >= valset.length ? valset : options.random.sample(valset, batchSize);
    try {
      return (await run.evaluate(candidate, devset)).score;
    } catch (error) {
      // DSPy's `eval_candidate_program` scores a failed evaluation 0 and goes on.
      if (!(error instanceof EvaluationError)) throw error;
      run.log.warn({ err: error }, 'candidate evaluation failed; scoring it 0');
      return 0;
    }
  };
  const describe = (params: CategoricalParams): MIPROTrial['params'] =>
    Object.fromEntries(
      names.map((name, index) => [
        name,
        { instruction: params[`${index}_predictor_instruction`], ...(demoCandidates === undefined ? {} : { demos: params[`${index}_predictor_demos`] }) },
      ]),
    );
  const build = (params: CategoricalParams): Module => {
    const candidate = program.deepcopy();
    candidate.predictors().forEach((predictor, index) => {
      setPredictorPrompt(predictor, { instruction: instructionCandidates[index][params[`${index}_predictor_instruction`]] });
      if (demoCandidates !== undefined) predictor.demos = [...demoCandidates[index][params[`${index}_predictor_demos`]]];
    });
    return candidate;
  };

  const progress = createOptimizerProgress({ isEnabled: options.displayProgress, total: adjusted, label: 'MIPROv2', log: run.log });
  try {
    const defaults: CategoricalParams = {};
    for (const name of Object.keys(searchSpace(instructionCandidates, demoCandidates))) defaults[name] = 0;
    let bestScore = await evaluate(program, valset.length);
    let bestProgram = program.deepcopy();
    let evalCalls = valset.length;
    const trials: MIPROTrial[] = [{ trial: 1, kind: 'full', params: describe(defaults), score: bestScore, evalCallsSoFar: evalCalls }];
    progress.step(1, bestScore, { trial: 1 });
    const sampler = new TPESampler(searchSpace(instructionCandidates, demoCandidates), { seed: options.seed });
    sampler.tell(defaults, bestScore);
    let nextNumber = 1;
    const byCombination = new Map<string, Scored[]>();
    const fullyEvaluated = new Set<string>();

    for (let index = 0; index < numTrials; index += 1) {
      run.throwIfAborted();
      const trialNum = nextNumber + 1;
      nextNumber += 1;
      const params = sampler.ask();
      const candidate = build(params);
      const batchSize = minibatch ? options.minibatchSize : valset.length;
      const score = await evaluate(candidate, batchSize);
      evalCalls += batchSize;
      if (!minibatch && score > bestScore) {
        bestScore = score;
        bestProgram = candidate.deepcopy();
      }
      trials.push({
        trial: trialNum,
        kind: minibatch && batchSize < valset.length ? 'minibatch' : 'full',
        params: describe(params),
        score,
        evalCallsSoFar: evalCalls,
      });
      const key = JSON.stringify(params);
      byCombination.set(key, [...(byCombination.get(key) ?? []), { score, program: candidate, params }]);
      sampler.tell(params, score);
      progress.step(trialNum, bestScore, { trial: trialNum });
      if (minibatch && (trialNum % (steps + 1) === 0 || trialNum === adjusted - 1)) {
        const next = bestMeanCombination(byCombination, fullyEvaluated);
        if (next === undefined) continue;
        run.throwIfAborted();
        const fullScore = await evaluate(next.program, valset.length);
        evalCalls += valset.length;
        nextNumber += 1;
        sampler.tell(next.params, fullScore);
        fullyEvaluated.add(next.key);
        trials.push({ trial: trialNum + 1, kind: 'full', params: describe(next.params), score: fullScore, evalCallsSoFar: evalCalls });
        if (fullScore > bestScore) {
          bestScore = fullScore;
          bestProgram = next.program.deepcopy();
        }
        progress.step(trialNum + 1, bestScore, { trial: trialNum + 1 });
      }
    }
    return { program: bestProgram, score: bestScore, trials };
  } finally {
    progress.stop();
  }
}

/** DSPy's `get_program_with_highest_avg_score`: the combination with the best mean minibatch score not yet fully evaluated. */
function bestMeanCombination(byCombination: ReadonlyMap<string, Scored[]>, done: ReadonlySet<string>): (Scored & { key: string }) | undefined {
  const ranked = [...byCombination]
    .map(([key, scored]) => ({ key, mean: scored.reduce((sum, item) => sum + item.score, 0) / scored.length, first: scored[0] }))
    .sort((left, right) => right.mean - left.mean);
  const pick = ranked.find((item) => !done.has(item.key));
  return pick === undefined ? undefined : { ...pick.first, key: pick.key };
}
