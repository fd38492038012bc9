import { SeededRandom } from '../util/seeded-random';

/**
 * A Tree-structured Parzen Estimator over categorical parameters, as Optuna's
 * `TPESampler(seed=seed, multivariate=True)` that DSPy's MIPROv2 uses (optuna/samplers/_tpe/):
 * random draws for the first `nStartupTrials` trials; then the trials are split into the best
 * `gamma(n)` ("below", l(x)) and the rest ("above", g(x)); each side is a Parzen estimator, a
 * mixture with one kernel per trial plus a uniform prior kernel; `nEiCandidates` joint samples
 * are drawn from l(x) and the one with the highest log l(x) − log g(x) (expected improvement)
 * is chosen. Draws use the project's Mersenne Twister, not NumPy's, so they differ from Optuna's.
 */

/** Number of choices of each categorical parameter, in a fixed order. */
export type CategoricalSpace = Readonly<Record<string, number>>;

/** Parameter values: a choice index per parameter. */
export type CategoricalParams = Record<string, number>;

/** A finished trial the sampler learns from (higher `value` is better). */
export interface SampledTrial {
  readonly params: Readonly<CategoricalParams>;
  readonly value: number;
}

/** Options of `new TPESampler(space, options)`: Optuna's defaults. */
export interface TPESamplerOptions {
  seed?: number;
  /** Trials sampled at random before the model is used (Optuna's default 10). */
  nStartupTrials?: number;
  /** Candidates drawn from l(x) per suggestion (Optuna's default 24). */
  nEiCandidates?: number;
  /** Weight of the uniform prior kernel (Optuna's default 1.0). */
  priorWeight?: number;
}

/** Optuna's `default_gamma`: how many trials count as good. */
export function defaultGamma(trialCount: number): number {
  return Math.min(Math.ceil(0.1 * trialCount), 25);
}

/** Optuna's `default_weights`: older trials beyond the 25 newest are weighted down linearly. */
export function defaultWeights(count: number): number[] {
  if (count < 25) return new Array<number>(count).fill(1);
  const ramp = count - 25;
  const weights: number[] = [];
  for (let index = 0; index < ramp; index += 1) weights.push(ramp === 1 ? 1 / count : 1 / count + ((1 - 1 / count) * index) / (ramp - 1));
  return [...weights, ...new Array<number>(25).fill(1)];
}

/** A mixture of product-of-categorical kernels (Optuna's `_MixtureOfProductDistribution`). */
class ParzenEstimator {
  readonly #weights: number[];
  /** `#kernels[param][kernel][choice]`: each kernel row sums to 1. */
  readonly #kernels: number[][][];

  constructor(
    readonly names: readonly string[],
    space: CategoricalSpace,
    observations: readonly SampledTrial[],
    priorWeight: number,
  ) {
    const weights = observations.length === 0 ? [1] : [...defaultWeights(observations.length), priorWeight];
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    this.#weights = weights.map((weight) => weight / total);
    this.#kernels = names.map((name) => {
      const choices = space[name];
      if (observations.length === 0) return [new Array<number>(choices).fill(1 / choices)];
      const kernelCount = observations.length + 1;
      const rows = Array.from({ length: kernelCount }, () => new Array<number>(choices).fill(priorWeight / kernelCount));
      observations.forEach((trial, index) => (rows[index][trial.params[name]] += 1));
      return rows.map((row) => {
        const sum = row.reduce((left, right) => left + right, 0);
        return row.map((value) => value / (sum === 0 ? 1 : sum));
      });
    });
  }

  sample(random: SeededRandom, count: number): CategoricalParams[] {
    const samples: CategoricalParams[] = [];
    for (let draw = 0; draw < count; draw += 1) {
      const kernel = pickIndex(this.#weights, random.random());
      const params: CategoricalParams = {};
      this.names.forEach((name, index) => (params[name] = pickIndex(this.#kernels[index][kernel], random.random())));
      samples.push(params);
    }
    return samples;
  }

  logPdf(params: Readonly<CategoricalParams>): number {
    const terms = this.#weights.map((weight, kernel) => {
      let term = Math.log(weight);
      this.names.forEach((name, index) => (term += Math.log(this.#kernels[index][kernel][params[name]])));
      return term;
    });
    const max = Math.max(...terms);
    const safeMax = max === -Infinity ? 0 : max;
    return Math.log(terms.reduce((sum, term) => sum + Math.exp(term - safeMax), 0)) + safeMax;
  }
}

/** The index whose cumulative probability first reaches `quantile` (NumPy's `choice(p=…)`). */
function pickIndex(probabilities: readonly number[], quantile: number): number {
  let cumulative = 0;
  for (let index = 0; index < probabilities.length - 1; index += 1) {
    cumulative += probabilities[index];
    if (cumulative > quantile) return index;
  }
  return probabilities.length - 1;
}

/**
 * Suggests categorical parameters to maximise a score: `ask()` for the next parameters,
 * `tell(params, value)` with each finished trial (including trials evaluated elsewhere, as DSPy's
 * `study.add_trial` for the default program and full evaluations).
 * @example
 * const sampler = new TPESampler({ instruction: 4, demos: 6 }, { seed: 9 });
 * const params = sampler.ask();
 * sampler.tell(params, await score(params));
 */
export class TPESampler {
  readonly space: CategoricalSpace;
  readonly nStartupTrials: number;
  readonly nEiCandidates: number;
  readonly priorWeight: number;
  readonly #trials: SampledTrial[] = [];
  readonly #startupRandom: SeededRandom;
  readonly #modelRandom: SeededRandom;

  constructor(space: CategoricalSpace, options: TPESamplerOptions = {}) {
    this.space = { ...space };
    this.nStartupTrials = options.nStartupTrials ?? 10;
    this.nEiCandidates = options.nEiCandidates ?? 24;
    this.priorWeight = options.priorWeight ?? 1;
    // Optuna's TPESampler and its startup RandomSampler each own a generator seeded with `seed`.
    this.#startupRandom = new SeededRandom(options.seed ?? 0);
    this.#modelRandom = new SeededRandom(options.seed ?? 0);
  }

  /** The finished trials, in the order told. */
  get trials(): readonly SampledTrial[] {
    return this.#trials;
  }

  /** Records a finished trial. */
  tell(params: Readonly<CategoricalParams>, value: number): void {
    this.#trials.push({ params: { ...params }, value });
  }

  /** The next parameters to try. */
  ask(): CategoricalParams {
    const names = Object.keys(this.space);
    if (this.#trials.length < this.nStartupTrials) {
      const params: CategoricalParams = {};
      for (const name of names) params[name] = this.#startupRandom.below(this.space[name]);
      return params;
    }
    const { below, above } = this.#split();
    const good = new ParzenEstimator(names, this.space, below, this.priorWeight);
    const bad = new ParzenEstimator(names, this.space, above, this.priorWeight);
    let best: CategoricalParams | undefined;
    let bestValue = -Infinity;
    for (const candidate of good.sample(this.#modelRandom, this.nEiCandidates)) {
      const value = good.logPdf(candidate) - bad.logPdf(candidate);
      if (best === undefined || value > bestValue) {
        best = candidate;
        bestValue = value;
      }
    }
    return best!;
  }

  /** Optuna's `_split_complete_trials_single_objective` (maximise), each side back in trial order. */
  #split(): { below: SampledTrial[]; above: SampledTrial[] } {
    const numbered = this.#trials.map((trial, number) => ({ trial, number }));
    const ranked = [...numbered].sort((left, right) => right.trial.value - left.trial.value);
    const count = Math.min(defaultGamma(this.#trials.length), ranked.length);
    const byNumber = (items: typeof numbered): SampledTrial[] => items.sort((left, right) => left.number - right.number).map(({ trial }) => trial);
    return { below: byNumber(ranked.slice(0, count)), above: byNumber(ranked.slice(count)) };
  }
}
