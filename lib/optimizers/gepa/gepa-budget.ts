/** DSPy's `AUTO_RUN_SETTINGS` for GEPA: the candidate count each preset budgets for. */
export const GEPA_AUTO_CANDIDATES = { light: 6, medium: 12, heavy: 18 } as const;

/** A GEPA `auto` preset. */
export type GEPAAuto = keyof typeof GEPA_AUTO_CANDIDATES;

/**
 * DSPy's `GEPA.auto_budget`: the metric calls a preset allows, from the predictor count, the
 * preset's candidate count and the valset size (minibatches of 35, a full evaluation every 5 trials).
 */
export function gepaAutoBudget(predictorCount: number, candidateCount: number, valsetSize: number, minibatchSize = 35, fullEvalSteps = 5): number {
  const trials = Math.trunc(Math.max(2 * (predictorCount * 2) * Math.log2(candidateCount), 1.5 * candidateCount));
  let total = valsetSize + candidateCount * 5 + trials * minibatchSize;
  if (trials === 0) return total;
  const periodicFullEvals = Math.floor((trials + 1) / fullEvalSteps) + 1;
  const extraFinal = trials < fullEvalSteps ? 1 : 0;
  total += (periodicFullEvals + extraFinal) * valsetSize;
  return total;
}
