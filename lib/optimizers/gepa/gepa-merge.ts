import type { SeededRandom } from '../../util/seeded-random';

/** A candidate: the instruction of each predictor, by name. */
export type Instructions = Readonly<Record<string, string>>;

/** What merging reads from the search state. */
export interface MergePool {
  candidates: readonly Instructions[];
  parents: readonly (readonly number[])[];
  aggregateScores: readonly number[];
}

/** Merges already tried: (first, second, ancestor) triples and (first, second, description) choices. */
export interface MergeLog {
  triples: string[];
  descriptions: string[];
}

/** A merged candidate and the two it came from. */
export interface MergeProposal {
  instructions: Instructions;
  first: number;
  second: number;
  ancestor: number;
}

function ancestorsOf(node: number, parents: readonly (readonly number[])[], found = new Set<number>()): Set<number> {
  for (const parent of parents[node]) {
    if (!found.has(parent)) {
      found.add(parent);
      ancestorsOf(parent, parents, found);
    }
  }
  return found;
}

/** gepa's `does_triplet_have_desirable_predictors`: one side kept the ancestor's text where the other changed it. */
function hasDesirablePredictors(pool: MergePool, ancestor: number, first: number, second: number): boolean {
  return Object.keys(pool.candidates[ancestor]).some((name) => {
    const [base, left, right] = [pool.candidates[ancestor][name], pool.candidates[first][name], pool.candidates[second][name]];
    return (base === left || base === right) && left !== right;
  });
}

/** Python's `random.choices(population, weights, k=1)[0]` (uniform when every weight is 0, where Python would raise). */
function weightedChoice(items: readonly number[], weights: readonly number[], random: SeededRandom): number {
  const cumulative: number[] = [];
  let total = 0;
  for (const weight of weights) cumulative.push((total += weight));
  if (total <= 0) return random.choice(items);
  const point = random.random() * total;
  let index = 0;
  while (index < items.length - 1 && cumulative[index] <= point) index += 1;
  return items[index];
}

/** gepa's `find_common_ancestor_pair`: two non-related frontier candidates and a weighted common ancestor. */
function findCommonAncestorPair(pool: MergePool, merged: MergeLog, candidates: readonly number[], random: SeededRandom): [number, number, number] | undefined {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    if (candidates.length < 2) return undefined;
    let [first, second] = random.sample(candidates, 2);
    if (second < first) [first, second] = [second, first];
    const firstAncestors = ancestorsOf(first, pool.parents);
    const secondAncestors = ancestorsOf(second, pool.parents);
    if (firstAncestors.has(second) || secondAncestors.has(first)) continue;
    const common = [...firstAncestors]
      .filter((ancestor) => secondAncestors.has(ancestor))
      .sort((left, right) => left - right)
      .filter((ancestor) => !merged.triples.includes(`${first},${second},${ancestor}`))
      .filter((ancestor) => pool.aggregateScores[ancestor] <= pool.aggregateScores[first] && pool.aggregateScores[ancestor] <= pool.aggregateScores[second])
      .filter((ancestor) => hasDesirablePredictors(pool, ancestor, first, second));
    if (common.length > 0) {
      const ancestor = weightedChoice(
        common,
        common.map((index) => pool.aggregateScores[index]),
        random,
      );
      return [first, second, ancestor];
    }
  }
  return undefined;
}

/**
 * gepa's `sample_and_attempt_merge_programs_by_common_predictors` (system-aware merge): for two
 * frontier candidates descended from a common ancestor, each predictor takes the text of the side
 * that changed it; where both changed it, the better candidate's; where they agree, theirs.
 */
export function proposeMerge(pool: MergePool, merged: MergeLog, frontier: readonly number[], random: SeededRandom): MergeProposal | undefined {
  if (frontier.length < 2 || pool.parents.length < 3) return undefined;
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const pair = findCommonAncestorPair(pool, merged, frontier, random);
    if (pair === undefined) continue;
    const [first, second, ancestor] = pair;
    const instructions: Record<string, string> = { ...pool.candidates[ancestor] };
    const description: number[] = [];
    // gepa iterates a set of names; dspex takes namedPredictors() order.
    for (const name of Object.keys(pool.candidates[ancestor])) {
      const [base, left, right] = [pool.candidates[ancestor][name], pool.candidates[first][name], pool.candidates[second][name]];
      let source: number;
      if ((base === left || base === right) && left !== right) source = base === left ? second : first;
      else if (base !== left && base !== right) {
        const [leftScore, rightScore] = [pool.aggregateScores[first], pool.aggregateScores[second]];
        source = leftScore > rightScore ? first : rightScore > leftScore ? second : random.choice([first, second]);
      } else source = first;
      instructions[name] = pool.candidates[source][name];
      description.push(source);
    }
    const key = `${first},${second},${description.join(',')}`;
    if (merged.descriptions.includes(key)) continue;
    merged.descriptions.push(key);
    return { instructions, first, second, ancestor };
  }
  return undefined;
}

/**
 * gepa's `select_eval_subsample_for_merged_program`: up to `count` validation indices, drawn evenly
 * from where the first parent wins, where the second wins, and where they tie.
 */
export function mergeSubsample(firstScores: readonly number[], secondScores: readonly number[], random: SeededRandom, count = 5): number[] {
  const ids = firstScores.map((_, index) => index);
  const buckets = [
    ids.filter((id) => firstScores[id] > secondScores[id]),
    ids.filter((id) => secondScores[id] > firstScores[id]),
    ids.filter((id) => firstScores[id] === secondScores[id]),
  ];
  const perBucket = Math.max(1, Math.ceil(count / 3));
  const selected: number[] = [];
  for (const bucket of buckets) {
    if (selected.length >= count) break;
    const available = bucket.filter((id) => !selected.includes(id));
    const take = Math.min(available.length, perBucket, count - selected.length);
    if (take > 0) selected.push(...random.sample(available, take));
  }
  const remaining = count - selected.length;
  if (remaining > 0) {
    const unused = ids.filter((id) => !selected.includes(id));
    if (unused.length >= remaining) selected.push(...random.sample(unused, remaining));
    else for (let index = 0; index < remaining && ids.length > 0; index += 1) selected.push(ids[Math.floor(random.random() * ids.length)]);
  }
  return selected.slice(0, count);
}
