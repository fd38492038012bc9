/**
 * How deep dspex lets data nest: LM replies, loaded files and signature types. DSPy's own values
 * are never close to this deep; the limit keeps every recursive walk (copies, validation, `repr`)
 * far from the engine's stack limit, so deep input fails with a typed error, never a `RangeError`.
 */
export const MAX_NESTING_DEPTH = 100;

/**
 * True when arrays and objects in `value` nest more than `limit` levels deep (a scalar is depth 0,
 * `[]` depth 1). Walks iteratively, so any depth is measured without recursion; a cycle counts as
 * too deep, and a shared object is walked again only when met deeper than before. Only own
 * enumerable string keys are followed (what JSON holds).
 */
export function exceedsNestingDepth(value: unknown, limit = MAX_NESTING_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: [object, number][] = [[value, 1]];
  const deepestSeen = new Map<object, number>();
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (depth > limit) return true;
    if ((deepestSeen.get(current) ?? 0) >= depth) continue;
    deepestSeen.set(current, depth);
    const children: unknown[] = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
