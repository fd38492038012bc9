import type { SeededRandom } from '../../util/seeded-random';

/**
 * The per-instance Pareto frontier GEPA keeps over the valset (gepa's `gepa_utils.py`): for each
 * validation example, the candidates that reach the best score on it. Candidate sets are kept in
 * ascending index order, as Python iterates its small-integer sets, so seeded draws match gepa's.
 */
export function paretoFrontOf(valScores: readonly (readonly number[])[]): number[][] {
  const exampleCount = valScores[0]?.length ?? 0;
  const fronts: number[][] = [];
  for (let example = 0; example < exampleCount; example += 1) {
    let best = -Infinity;
    let front: number[] = [];
    valScores.forEach((scores, candidate) => {
      if (scores[example] > best) {
        best = scores[example];
        front = [candidate];
      } else if (scores[example] === best) front.push(candidate);
    });
    fronts.push(front);
  }
  return fronts;
}

/** True when every front holding `candidate` also holds one of `others` (gepa's `is_dominated`). */
function isDominated(candidate: number, others: ReadonlySet<number>, fronts: readonly (readonly number[])[]): boolean {
  for (const front of fronts) {
    if (!front.includes(candidate)) continue;
    if (!front.some((other) => others.has(other))) return false;
  }
  return true;
}

/**
 * The fronts with dominated candidates removed (gepa's `remove_dominated_programs`): candidates are
 * tried from the lowest aggregate score up, one removal at a time, until none is dominated.
 */
export function removeDominated(fronts: readonly (readonly number[])[], aggregateScores: readonly number[]): number[][] {
  const seen: number[] = [];
  for (const front of fronts) for (const candidate of front) if (!seen.includes(candidate)) seen.push(candidate);
  // Python's sorted() is stable: equal scores keep first-seen order.
  const ordered = [...seen].sort((left, right) => aggregateScores[left] - aggregateScores[right]);
  const dominated = new Set<number>();
  let isRemoving = true;
  while (isRemoving) {
    isRemoving = false;
    for (const candidate of ordered) {
      if (dominated.has(candidate)) continue;
      const others = new Set(ordered.filter((other) => other !== candidate && !dominated.has(other)));
      if (isDominated(candidate, others, fronts)) {
        dominated.add(candidate);
        isRemoving = true;
        break;
      }
    }
  }
  return fronts.map((front) => front.filter((candidate) => !dominated.has(candidate)));
}

/** The candidates left on some front once dominated ones are removed, ascending (gepa's `find_dominator_programs`). */
export function dominatorCandidates(fronts: readonly (readonly number[])[], aggregateScores: readonly number[]): number[] {
  const kept = new Set<number>();
  for (const front of removeDominated(fronts, aggregateScores)) for (const candidate of front) kept.add(candidate);
  return [...kept].sort((left, right) => left - right);
}

/**
 * gepa's `select_program_candidate_from_pareto_front`: one candidate drawn with probability
 * proportional to the number of validation examples on whose (non-dominated) front it stands.
 */
export function selectFromParetoFront(fronts: readonly (readonly number[])[], aggregateScores: readonly number[], random: SeededRandom): number {
  const frequency = new Map<number, number>();
  for (const front of removeDominated(fronts, aggregateScores)) for (const candidate of front) frequency.set(candidate, (frequency.get(candidate) ?? 0) + 1);
  const samplingList: number[] = [];
  for (const [candidate, count] of frequency) for (let index = 0; index < count; index += 1) samplingList.push(candidate);
  return random.choice(samplingList);
}

/** The first index of the highest score (gepa's `idxmax`). */
export function indexOfBest(scores: readonly number[]): number {
  let best = 0;
  for (let index = 1; index < scores.length; index += 1) if (scores[index] > scores[best]) best = index;
  return best;
}
