import type { Example } from '../../primitives/example';
import type { Module } from '../../primitives/module';
import type { Prediction } from '../../primitives/prediction';
import { SeededRandom } from '../../util/seeded-random';
import type { OptimizerRun } from '../optimizer-run';
import { instructionOf, setPredictorPrompt } from '../predictor-instructions';
import { EpochShuffledBatchSampler } from './epoch-shuffled-batch-sampler';
import { mergeSubsample, proposeMerge, type Instructions, type MergeLog } from './gepa-merge';
import type { GEPAMetric } from './gepa-metric';
import { dominatorCandidates, indexOfBest, paretoFrontOf, selectFromParetoFront } from './pareto-front';
import { extractInstruction, renderReflectionPrompt, type ReflectiveRecord } from './reflection-prompt';
import { RolloutRunner, type Rollout } from './rollout-runner';

/** What one GEPA search needs, resolved. */
export interface GEPASearch {
  student: Module;
  trainset: readonly Example[];
  valset: readonly Example[];
  /** The compile's run: task LM, reflection LM (its `promptLM`), counted metric, budget (with the metric-call cap), signal, log. */
  run: OptimizerRun<GEPAMetric>;
  minibatchSize: number;
  selection: 'pareto' | 'current_best';
  useMerge: boolean;
  seed: number;
  onProgress: (bestScore: number) => void;
}

/** The search's pool of candidates. */
export interface GEPAPool {
  candidates: Instructions[];
  parents: number[][];
  valScores: number[][];
  aggregateScores: number[];
  discoveredAt: number[];
}

const PERFECT_SCORE = 1;
const MAX_MERGE_INVOCATIONS = 5;
const MERGE_VAL_OVERLAP_FLOOR = 5;

/** The instructions as a program: a copy of the student whose predictors carry them. */
export function programWith(student: Module, instructions: Instructions): Module {
  const program = student.deepcopy();
  for (const [name, predictor] of program.namedPredictors()) setPredictorPrompt(predictor, { instruction: instructions[name] });
  return program;
}

/** Each predictor's instruction, by name (the seed candidate). */
export function instructionsOf(program: Module): Instructions {
  return Object.fromEntries(program.namedPredictors().map(([name, predictor]) => [name, instructionOf(predictor)]));
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : sum(values) / values.length);

/**
 * gepa's `GEPAEngine.run` with DSPy's adapter: evaluate the seed on the valset, then until the
 * budget is spent, either merge two frontier candidates (when one is due) or reflect on a minibatch
 * and mutate one predictor's instruction, keeping a proposal that beats its parent on the minibatch.
 * Unlike gepa, which checks the budget only between iterations, a step that would pass the budget is not started.
 */
export async function runGEPA(search: GEPASearch): Promise<GEPAPool> {
  const { run, valset, trainset } = search;
  const { budget, log } = run;
  const runner = new RolloutRunner(run);
  const random = new SeededRandom(search.seed);
  const adapterRandom = new SeededRandom(search.seed);
  const names = search.student.namedPredictors().map(([name]) => name);
  const pool: GEPAPool = { candidates: [], parents: [], valScores: [], aggregateScores: [], discoveredAt: [] };
  const nextComponent: number[] = [];
  const programs = new Map<number, Module>();
  const programOf = (index: number): Module => {
    if (!programs.has(index)) programs.set(index, programWith(search.student, pool.candidates[index]));
    return programs.get(index)!;
  };
  const hasRoom = (calls: number): boolean => budget.canSpendMetricCalls(calls);
  const add = async (instructions: Instructions, parents: number[]): Promise<void> => {
    const index = pool.candidates.length;
    pool.candidates.push(instructions);
    const scores = (await runner.run(programOf(index), valset)).map((rollout) => rollout.score);
    pool.parents.push(parents);
    pool.valScores.push(scores);
    pool.aggregateScores.push(mean(scores));
    pool.discoveredAt.push(budget.metricCalls);
    nextComponent.push(parents.length === 0 ? 0 : Math.max(...parents.map((parent) => nextComponent[parent])));
    search.onProgress(Math.max(...pool.aggregateScores));
    log.info({ candidate: index, score: pool.aggregateScores[index], parents, metricCalls: budget.metricCalls }, 'candidate added');
  };

  await add(instructionsOf(search.student), []);
  const sampler = new EpochShuffledBatchSampler(search.minibatchSize, trainset.length, random);
  const merge = { due: 0, tested: 0, lastFoundNew: false, log: { triples: [], descriptions: [] } as MergeLog };

  for (let iteration = 0; hasRoom(1); iteration += 1) {
    run.throwIfAborted();
    if (search.useMerge && merge.due > 0 && merge.lastFoundNew) {
      merge.lastFoundNew = false;
      const outcome = await tryMerge(search, runner, pool, merge.log, random, hasRoom, add);
      if (outcome === 'accepted') {
        merge.due -= 1;
        merge.tested += 1;
      }
      if (outcome !== 'none') continue;
    }
    merge.lastFoundNew = false;
    if (!hasRoom(2 * search.minibatchSize)) break;
    const parent =
      search.selection === 'pareto' ? selectFromParetoFront(paretoFrontOf(pool.valScores), pool.aggregateScores, random) : indexOfBest(pool.aggregateScores);
    const batch = sampler.next(iteration).map((index) => trainset[index]);
    // Round robin (gepa's default component selector); the name is known before the rollouts, so the
    // metric is asked for the score and this predictor's feedback in one call per example.
    const component = names[nextComponent[parent]];
    nextComponent[parent] = (nextComponent[parent] + 1) % names.length;
    const before = await runner.run(programOf(parent), batch, { name: component, random: adapterRandom });
    if (before.every((rollout) => rollout.score >= PERFECT_SCORE)) {
      log.debug({ iteration, parent }, 'all minibatch scores perfect; skipping');
      continue;
    }
    const records = reflectiveRecords(before);
    if (records.length === 0) {
      log.info({ iteration, parent, component }, 'no predictor calls to reflect on; skipping');
      continue;
    }
    run.throwIfAborted();
    const prompt = renderReflectionPrompt(pool.candidates[parent][component], records);
    const reply = await run.promptLM!.call([{ role: 'user', content: prompt }], { signal: run.signal });
    const proposal = { ...pool.candidates[parent], [component]: extractInstruction(reply.outputs[0] ?? '') };
    const after = await runner.run(programWith(search.student, proposal), batch);
    const [oldSum, newSum] = [sum(before.map((rollout) => rollout.score)), sum(after.map((rollout) => rollout.score))];
    if (newSum <= oldSum) {
      log.debug({ iteration, parent, component, oldSum, newSum }, 'proposal rejected');
      continue;
    }
    if (!hasRoom(valset.length)) {
      log.info({ iteration, metricCalls: budget.metricCalls }, 'budget left cannot score the proposal on the valset; stopping');
      break;
    }
    await add(proposal, [parent]);
    if (search.useMerge) {
      merge.lastFoundNew = true;
      if (merge.tested < MAX_MERGE_INVOCATIONS) merge.due += 1;
    }
  }
  return pool;
}

/** DSPy's `make_reflective_dataset`: the predictor's inputs and outputs with the metric's feedback, per example. */
function reflectiveRecords(rollouts: readonly Rollout[]): ReflectiveRecord[] {
  const records: ReflectiveRecord[] = [];
  for (const rollout of rollouts) {
    const call = rollout.predictorCall;
    if (call === undefined) continue;
    const inputs = Object.fromEntries(Object.entries(call.inputs).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
    const fields = (call.prediction as Prediction).toJSON() as Record<string, unknown>;
    const outputs = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
    records.push({ Inputs: inputs, 'Generated Outputs': outputs, Feedback: rollout.feedback });
  }
  return records;
}

/** One merge attempt (gepa's `MergeProposer.propose` and the engine's acceptance). */
async function tryMerge(
  search: GEPASearch,
  runner: RolloutRunner,
  pool: GEPAPool,
  log: MergeLog,
  random: SeededRandom,
  hasRoom: (calls: number) => boolean,
  add: (instructions: Instructions, parents: number[]) => Promise<void>,
): Promise<'none' | 'accepted' | 'rejected'> {
  if (search.valset.length < MERGE_VAL_OVERLAP_FLOOR) return 'none';
  const frontier = dominatorCandidates(paretoFrontOf(pool.valScores), pool.aggregateScores);
  const proposal = proposeMerge(pool, log, frontier, random);
  if (proposal === undefined) return 'none';
  const { first, second, ancestor, instructions } = proposal;
  log.triples.push(`${first},${second},${ancestor}`);
  const subsample = mergeSubsample(pool.valScores[first], pool.valScores[second], random);
  if (!hasRoom(subsample.length)) return 'none';
  const scores = (
    await runner.run(
      programWith(search.student, instructions),
      subsample.map((index) => search.valset[index]),
    )
  ).map((rollout) => rollout.score);
  const parentSums = [first, second].map((parent) => sum(subsample.map((index) => pool.valScores[parent][index])));
  if (sum(scores) < Math.max(...parentSums) || !hasRoom(search.valset.length)) {
    search.run.log.debug({ first, second, ancestor, parentSums, merged: sum(scores) }, 'merge rejected');
    return 'rejected';
  }
  await add(instructions, [first, second]);
  search.run.log.info({ first, second, ancestor }, 'merge accepted');
  return 'accepted';
}
