/**
 * DSPy's default field prefix without the colon (`infer_prefix` in dspy/signatures/signature.py):
 * `reasoning_steps` → `Reasoning Steps`, `htmlText` → `Html Text`, `HTMLParser` → `HTML Parser`.
 */
export function inferPrefix(name: string): string {
  let prefix = prefixes.get(name);
  if (prefix === undefined) {
    prefix = computePrefix(name);
    if (prefixes.size < 10_000) prefixes.set(name, prefix);
  }
  return prefix;
}

/** Field names repeat across signatures; the inference is pure, so remember it. */
const prefixes = new Map<string, string>();

function computePrefix(name: string): string {
  const spaced = name
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([a-zA-Z])(\d)/g, '$1_$2')
    .replace(/(\d)([a-zA-Z])/g, '$1_$2');
  return spaced
    .split('_')
    .map((word) => (word.length > 0 && word === word.toUpperCase() ? word : word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()))
    .join(' ');
}
