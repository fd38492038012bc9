/**
 * Which siblings restart when one child exits, as in OTP: `one_for_one` only that child,
 * `one_for_all` every child, `rest_for_one` that child and every child started after it.
 */
export type RestartStrategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';

/** Every strategy, for validation. */
export const RESTART_STRATEGIES: readonly RestartStrategy[] = ['one_for_one', 'one_for_all', 'rest_for_one'];

/** What the strategy needs to know about one child. */
export interface StrategyChild {
  readonly id: string;
  readonly dependsOn: readonly string[];
  /** False for a child that was terminated (or exited) and stays stopped: it is never pulled into a restart. */
  readonly isActive: boolean;
}

/**
 * The ids to restart, in start order, when `exitedId` exits under `strategy`: the strategy's set,
 * plus (under any strategy) every active child that depends, directly or not, on a restarted one.
 * `children` must be in start order; the exited child is always included.
 */
export function childrenToRestart(strategy: RestartStrategy, exitedId: string, children: readonly StrategyChild[]): string[] {
  const exitedIndex = children.findIndex((child) => child.id === exitedId);
  const selected = new Set<string>([exitedId]);
  children.forEach((child, index) => {
    if (!child.isActive) return;
    if (strategy === 'one_for_all' || (strategy === 'rest_for_one' && index > exitedIndex)) selected.add(child.id);
  });
  // Dependents always start after their dependencies, so one pass in start order closes the set.
  for (const child of children) {
    if (!child.isActive || selected.has(child.id)) continue;
    if (child.dependsOn.some((dependency) => selected.has(dependency))) selected.add(child.id);
  }
  return children.filter((child) => selected.has(child.id)).map((child) => child.id);
}

/**
 * The first dependency cycle through `id` when it is added with `dependsOn`, as a path of ids, or
 * undefined. Existing children cannot depend on a child that does not exist yet, so in practice
 * only a self-dependency closes a cycle; the general walk keeps the check honest if that changes.
 */
export function findDependencyCycle(
  id: string,
  dependsOn: readonly string[],
  dependenciesOf: (id: string) => readonly string[] | undefined,
): string[] | undefined {
  const visit = (current: string, path: string[]): string[] | undefined => {
    if (current === id) return [...path, current];
    if (path.includes(current)) return undefined;
    for (const next of dependenciesOf(current) ?? []) {
      const cycle = visit(next, [...path, current]);
      if (cycle !== undefined) return cycle;
    }
    return undefined;
  };
  for (const dependency of dependsOn) {
    const cycle = visit(dependency, [id]);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}
