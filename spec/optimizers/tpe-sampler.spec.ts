import { SeededRandom } from '../../lib/util/seeded-random';
import { TPESampler, defaultGamma, defaultWeights, type CategoricalParams, type CategoricalSpace } from '../../lib/optimizers/tpe-sampler';

/** A seeded landscape: each parameter's choices add a random quality; one combination is best. */
function landscape(seed: number, space: CategoricalSpace): { score: (params: CategoricalParams) => number; best: CategoricalParams } {
  const random = new SeededRandom(seed);
  const quality = Object.fromEntries(Object.entries(space).map(([name, count]) => [name, Array.from({ length: count }, () => random.random())]));
  const best = Object.fromEntries(Object.entries(quality).map(([name, values]) => [name, values.indexOf(Math.max(...values))]));
  return { score: (params) => Object.keys(space).reduce((sum, name) => sum + quality[name][params[name]], 0), best };
}

/** Trials until the best combination is first tried (cap when never). */
function trialsToBest(seed: number, space: CategoricalSpace, cap: number, isRandom: boolean): number {
  const { score, best } = landscape(seed, space);
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

describe('TPESampler', () => {
  it("uses Optuna's gamma and weights", () => {
    expect([1, 10, 11, 100, 300].map(defaultGamma)).toEqual([1, 1, 2, 10, 25]);
    expect(defaultWeights(3)).toEqual([1, 1, 1]);
    const weights = defaultWeights(30);
    expect(weights).toHaveLength(30);
    expect(weights[0]).toBeCloseTo(1 / 30);
    expect(weights[4]).toBeCloseTo(1);
    expect(weights.slice(5)).toEqual(new Array(25).fill(1));
  });

  it('samples at random during the startup trials, within the space', () => {
    const sampler = new TPESampler({ a: 3, b: 5 }, { seed: 1 });
    const seen = new Set<string>();
    for (let trial = 0; trial < 10; trial += 1) {
      const params = sampler.ask();
      expect(params.a).toBeGreaterThanOrEqual(0);
      expect(params.a).toBeLessThan(3);
      expect(params.b).toBeLessThan(5);
      seen.add(JSON.stringify(params));
      sampler.tell(params, 0);
    }
    expect(seen.size).toBeGreaterThan(3);
  });

  it('concentrates on the choices of the best trials after startup', () => {
    const sampler = new TPESampler({ a: 6 }, { seed: 2 });
    for (let trial = 0; trial < 20; trial += 1) sampler.tell({ a: trial % 6 }, trial % 6 === 4 ? 1 : 0);
    const picks = Array.from({ length: 10 }, () => sampler.ask().a);
    expect(picks.filter((pick) => pick === 4).length).toBeGreaterThanOrEqual(8);
  });

  it('is deterministic for a seed', () => {
    const run = (): number[] => {
      const sampler = new TPESampler({ a: 4, b: 4 }, { seed: 7 });
      const picks: number[] = [];
      for (let trial = 0; trial < 25; trial += 1) {
        const params = sampler.ask();
        picks.push(params.a * 4 + params.b);
        sampler.tell(params, params.a + params.b);
      }
      return picks;
    };
    expect(run()).toEqual(run());
  });

  it('reaches the best combination in fewer trials than random search (median over 20 seeds)', () => {
    const space = { '0_predictor_demos': 6, '0_predictor_instruction': 5, '1_predictor_demos': 6, '1_predictor_instruction': 5 };
    const seeds = Array.from({ length: 20 }, (_, index) => index);
    const tpe = median(seeds.map((seed) => trialsToBest(seed, space, 400, false)));
    const random = median(seeds.map((seed) => trialsToBest(seed, space, 400, true)));
    expect(tpe).toBeLessThan(random / 2);
  });
});
