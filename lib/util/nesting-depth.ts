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

/**
 * True when JSON text nests `[`/`{` more than `limit` levels deep, counting outside double-quoted
 * strings, in one scan. Exact for valid JSON, so `JSON.parse` (whose cost grows sharply with depth)
 * can be skipped for text it would reject or return too deep.
 */
export function jsonNestingExceeds(text: string, limit = MAX_NESTING_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index += 1;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b || code === 0x7b) {
      depth += 1;
      if (depth > limit) return true;
    } else if ((code === 0x5d || code === 0x7d) && depth > 0) {
      depth -= 1;
    }
  }
  return false;
}
