import type { Metric } from '../evaluate/metric';
import type { BaseLM } from '../lm/base-lm';
import { getRootLogger, type Logger } from '../logging/logger';
import type { Example } from '../primitives/example';
import type { Module } from '../primitives/module';
import { Predict } from '../predict/predict';
import type { Signature } from '../signatures/signature';
import { BASIC_GENERATE_INSTRUCTION, GENERATE_INSTRUCTION_GIVEN_ATTEMPTS } from './copro-signatures';
import {
  LM_RULE,
  RUN_OPTION_RULES,
  attachOptimization,
  checkInstructionCompile,
  checkOptimizerOptions,
  pythonFloat,
  type InstructionOptimizerRunOptions,
  type OptimizationSummary,
  type OptimizedProgram,
} from './instruction-optimizer-options';
import { createOptimizerProgress } from './optimizer-progress';
import { OptimizerRun } from './optimizer-run';
import { instructionOf, lastFieldPrefixOf, setPredictorPrompt } from './predictor-instructions';
import type { CompileOptions, Teleprompter } from './teleprompter';

/** Options of `new COPRO(options)`: DSPy's, camelCased. */
export interface COPROOptions extends InstructionOptimizerRunOptions {
  /** Scores each candidate program on the trainset. */
  metric: Metric;
  /**
   * Instruction candidates per round and predictor (> 1).
   * @default 10
   */
  breadth?: number;
  /**
   * Rounds of proposals; each round after the first is shown the best attempts so far.
   * @default 3
   */
  depth?: number;
  /**
   * Temperature of the proposal requests.
   * @default 1.4
   */
  initTemperature?: number;
  /** The LM that proposes instructions (default the `context()`/`configure()` LM). */
  promptModel?: BaseLM;
  /**
   * Adds score statistics per round (`resultsBest`, `resultsLatest`) and every candidate to `compiled.optimization`.
   * @default false
   */
  trackStats?: boolean;
}

/** One evaluated (instruction, prefix) of one predictor. */
export interface COPROCandidate {
  /** The predictor's name, as `namedPredictors()` gives it. */
  predictor: string;
  instruction: string;
  prefix: string;
  score: number;
  /** The round (0-based) in which it was last evaluated. */
  depth: number;
}

/** min / max / mean / population standard deviation of scores per round (DSPy's `results_best` / `results_latest`). */
export interface COPROStats {
  depth: number[];
  max: number[];
  average: number[];
  min: number[];
  std: number[];
}

/** `compiled.optimization` after COPRO. */
export interface COPROOptimization extends OptimizationSummary {
  /** Candidate programs evaluated (DSPy's `total_calls`). */
  evaluations: number;
  /** With `trackStats`: every candidate, best first (duplicates dropped, as DSPy). */
  candidates?: COPROCandidate[];
  /** With `trackStats`: per predictor name, stats of the ten best candidates after each round. */
  resultsBest?: Record<string, COPROStats>;
  /** With `trackStats`: per predictor name, stats of the newest candidates of each round. */
  resultsLatest?: Record<string, COPROStats>;
}

interface Proposal {
  instruction: string;
  prefix: string;
}

interface Evaluated extends Proposal {
  score: number;
  program: Module;
  depth: number;
  predictor: string;
}

const RULES = {
  metric: { kind: 'function', required: true },
  breadth: { kind: 'integer', min: 2 },
  depth: { kind: 'integer', min: 1 },
  initTemperature: { kind: 'number', min: 0 },
  promptModel: LM_RULE,
  trackStats: { kind: 'boolean' },
  ...RUN_OPTION_RULES,
} as const;
const COMPILE_KEYS = ['trainset', 'valset', 'signal'];

/**
 * DSPy's COPRO (coordinate ascent over instructions): the prompt model proposes `breadth`
 * instructions (and output prefixes) per predictor; each is scored on the trainset with the others
 * fixed at their best; for `depth` rounds the prompt model is shown the best attempts with their
 * scores and proposes more. The best-scoring program is returned. Cost: about
 * `depth × breadth × predictors` evaluations of the trainset, plus one prompt-model request per
 * predictor and round.
 * @example
 * const copro = new COPRO({ metric: answerExactMatch, breadth: 4, depth: 2 });
 * const compiled = await copro.compile(program, { trainset });
 * const { score, lmCalls } = compiled.optimization;
 */
export class COPRO implements Teleprompter {
  readonly metric: Metric;
  readonly breadth: number;
  readonly depth: number;
  readonly initTemperature: number;
  readonly promptModel: BaseLM | undefined;
  readonly trackStats: boolean;
  readonly #run: Required<Omit<InstructionOptimizerRunOptions, 'logger'>>;
  readonly #log: Logger;

  /** @throws {OptimizerError} OPTIMIZER_INVALID for a missing metric, `breadth` ≤ 1, or a bad or unknown option. */
  constructor(options: COPROOptions) {
    checkOptimizerOptions<COPROOptions>('COPRO', options, RULES);
    this.metric = options.metric;
    this.breadth = options.breadth ?? 10;
    this.depth = options.depth ?? 3;
    this.initTemperature = options.initTemperature ?? 1.4;
    this.promptModel = options.promptModel;
    this.trackStats = options.trackStats ?? false;
    this.#run = { concurrency: options.concurrency ?? 16, maxErrors: options.maxErrors ?? 10, displayProgress: options.displayProgress ?? true };
    this.#log = (options.logger ?? getRootLogger()).child({ component: 'copro' });
  }

  /**
   * Tunes the instructions of a copy of `student` (which may already hold demos) and returns the best
   * copy, `compiled === true`, with `optimization` attached. Candidates are scored on `valset`
   * when given, else on the trainset (as DSPy).
   * @throws {OptimizerError} OPTIMIZER_INVALID for bad sets, a student without predictors, or no LM to propose with.
   * @throws {EvaluationError} EVALUATION_FAILED when a candidate's evaluation fails `maxErrors` times; the caller's `signal.reason`.
   */
  async compile<T extends Module>(student: T, options: CompileOptions): Promise<OptimizedProgram<T, COPROOptimization>> {
    const signal = checkInstructionCompile('COPRO', student, options, COMPILE_KEYS);
    const run = new OptimizerRun({
      owner: 'COPRO',
      metric: this.metric,
      promptModel: this.promptModel,
      isPromptModelRequired: true,
      signal,
      ...this.#run,
      log: this.#log,
    });
    const devset = options.valset ?? options.trainset;
    return run.scope(() => this.#compile(student, devset, run));
  }

  async #compile<T extends Module>(student: T, devset: readonly Example[], run: OptimizerRun): Promise<OptimizedProgram<T, COPROOptimization>> {
    const module = student.deepcopy();
    const names = module.namedPredictors().map(([name]) => name);
    const stats = { best: emptyStats(names), latest: emptyStats(names) };
    // Round 0: breadth − 1 proposals from the predictor's own instruction, plus that instruction itself.
    const allCandidates: Proposal[][] = [];
    for (const predictor of module.predictors()) {
      const proposals = await this.#propose(run, BASIC_GENERATE_INSTRUCTION, { basic_instruction: instructionOf(predictor) }, this.breadth - 1);
      proposals.push({ instruction: instructionOf(predictor), prefix: lastFieldPrefixOf(predictor) });
      allCandidates.push(proposals);
    }
    let latestCandidates: Proposal[][] = allCandidates.map((list) => [...list]);
    const evaluated: Map<string, Evaluated>[] = names.map(() => new Map());
    const clone = module.deepcopy();
    const progress = createOptimizerProgress({
      isEnabled: this.#run.displayProgress,
      total: this.depth * this.breadth * names.length,
      label: 'COPRO',
      log: this.#log,
    });
    let evaluations = 0;
    let bestScore: number | undefined;
    try {
      for (let depth = 0; depth < this.depth; depth += 1) {
        const latestScores: number[] = [];
        for (let index = 0; index < names.length; index += 1) {
          const target = clone.predictors()[index];
          // With several predictors every candidate so far is re-scored against the others' new best (DSPy).
          const candidates = names.length > 1 ? allCandidates[index] : latestCandidates[index];
          for (const [position, candidate] of candidates.entries()) {
            run.throwIfAborted();
            const instruction = stripQuotes(candidate.instruction);
            const prefix = stripQuotes(candidate.prefix);
            setPredictorPrompt(target, { instruction, prefix });
            const { score } = await run.evaluate(clone, devset);
            evaluations += 1;
            const key = JSON.stringify([instruction, prefix]);
            const previous = evaluated[index].get(key);
            if (previous === undefined || previous.score < score) {
              evaluated[index].set(key, { instruction, prefix, score, program: clone.deepcopy(), depth, predictor: names[index] });
            }
            if (candidates.length - this.breadth <= position) latestScores.push(score);
            bestScore = bestScore === undefined ? score : Math.max(bestScore, score);
            progress.step(evaluations, bestScore, { depth, predictor: names[index] });
          }
          if (this.trackStats) pushStats(stats.latest[names[index]], depth, latestScores);
          const best = maxBy([...evaluated[index].values()]);
          setPredictorPrompt(target, { instruction: best.instruction, prefix: best.prefix });
        }
        if (depth === this.depth - 1) break;
        latestCandidates = [];
        for (let index = 0; index < names.length; index += 1) {
          const ranked = sortByScore([...evaluated[index].values()]);
          if (this.trackStats)
            pushStats(
              stats.best[names[index]],
              depth,
              ranked.slice(0, 10).map((candidate) => candidate.score),
            );
          const proposals = await this.#propose(
            run,
            GENERATE_INSTRUCTION_GIVEN_ATTEMPTS,
            { attempted_instructions: attemptsText(ranked, this.breadth) },
            this.breadth,
          );
          latestCandidates.push(proposals);
          allCandidates[index].push(...proposals);
        }
      }
    } finally {
      progress.stop();
    }
    const all: Evaluated[] = [];
    evaluated.forEach((map, index) => {
      all.push(...map.values());
      if (this.trackStats)
        pushStats(
          stats.best[names[index]],
          this.depth - 1,
          sortByScore([...map.values()])
            .slice(0, 10)
            .map((candidate) => candidate.score),
        );
    });
    const ranked = dropDuplicates(sortByScore(all));
    const winner = ranked[0].program as T;
    winner.compiled = true;
    const summary: COPROOptimization = { score: ranked[0].score, ...run.budget.snapshot(), evaluations };
    if (this.trackStats) {
      summary.candidates = ranked.map(({ predictor, instruction, prefix, score, depth }) => ({ predictor, instruction, prefix, score, depth }));
      summary.resultsBest = stats.best;
      summary.resultsLatest = stats.latest;
    }
    this.#log.info({ score: summary.score, evaluations, lmCalls: summary.lmCalls }, 'copro finished');
    return attachOptimization(winner, summary);
  }

  /** One prompt-model request for `n` proposals (DSPy's `dspy.Predict(sig, n=…, temperature=…)`). */
  async #propose(run: OptimizerRun, signature: Signature, inputs: Record<string, unknown>, n: number): Promise<Proposal[]> {
    run.throwIfAborted();
    const predictor = new Predict(signature, { n, temperature: this.initTemperature });
    const prediction = await run.withPromptModel(() => predictor.forward(inputs, { signal: run.signal }));
    const completions = prediction.completions?.toArray() ?? [prediction.toJSON()];
    return completions.map((completion) => ({
      instruction: String(completion.proposed_instruction ?? ''),
      prefix: String(completion.proposed_prefix_for_output_field ?? ''),
    }));
  }
}

/** DSPy's `.strip('"').strip()`. */
function stripQuotes(text: string): string {
  return text.replace(/^"+|"+$/g, '').trim();
}

/** The attempts shown to the prompt model, worst of the best `breadth` first (DSPy's format). */
function attemptsText(ranked: readonly Evaluated[], breadth: number): string[] {
  const count = Math.min(ranked.length, breadth);
  const lines: string[] = [];
  for (let index = count - 1; index >= 0; index -= 1) {
    const number = count - index;
    lines.push(
      `Instruction #${number}: ${ranked[index].instruction}`,
      `Prefix #${number}: ${ranked[index].prefix}`,
      `Resulting Score #${number}: ${pythonFloat(ranked[index].score)}`,
    );
  }
  return lines;
}

/** Best first; equal scores keep their order (Python's stable sort). */
function sortByScore<C extends { score: number }>(items: C[]): C[] {
  return items.sort((left, right) => right.score - left.score);
}

/** The first item with the highest score (Python's `max`). */
function maxBy<C extends { score: number }>(items: readonly C[]): C {
  return items.reduce((best, item) => (item.score > best.score ? item : best));
}

/** DSPy's `_drop_duplicates`: among equal scores in a row, programs with the same prompts are dropped. */
function dropDuplicates(ranked: Evaluated[]): Evaluated[] {
  const kept: Evaluated[] = [];
  let batch: Evaluated[] = [];
  let batchScore: number | undefined;
  for (const candidate of ranked) {
    if (candidate.score === batchScore) {
      if (batch.some((other) => samePrompts(candidate.program, other.program))) continue;
      batch.push(candidate);
    } else {
      batch = [candidate];
      batchScore = candidate.score;
    }
    kept.push(candidate);
  }
  return kept;
}

function samePrompts(left: Module, right: Module): boolean {
  const others = right.predictors();
  return left.predictors().every((predictor, index) => {
    const other = others[index];
    if (other === undefined || predictor.signature.instructions !== other.signature.instructions) return false;
    const last = predictor.signature.fields[predictor.signature.fields.length - 1];
    const otherLast = other.signature.fields[other.signature.fields.length - 1];
    return last.name === otherLast.name && last.prefix === otherLast.prefix && last.desc === otherLast.desc;
  });
}

function emptyStats(names: readonly string[]): Record<string, COPROStats> {
  return Object.fromEntries(names.map((name) => [name, { depth: [], max: [], average: [], min: [], std: [] }]));
}

function pushStats(stats: COPROStats, depth: number, scores: readonly number[]): void {
  if (scores.length === 0) return;
  const mean = scores.reduce((sum, score) => sum + score, 0) / scores.length;
  stats.depth.push(depth);
  stats.max.push(Math.max(...scores));
  stats.average.push(mean);
  stats.min.push(Math.min(...scores));
  stats.std.push(Math.sqrt(scores.reduce((sum, score) => sum + (score - mean) ** 2, 0) / scores.length));
}
