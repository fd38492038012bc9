// Python's `string.punctuation`: ASCII punctuation only, as DSPy removes.
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
// Python's `\b(a|an|the)\b` on str patterns: word characters are Unicode letters, digits and `_`.
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;
// What Python's `str.split()` splits on.
const PYTHON_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/**
 * DSPy's `normalize_text` (`dspy/evaluate/metrics.py`), used by `majority` and answer matching:
 * Unicode NFD, lowercase, ASCII punctuation removed, the articles a/an/the removed, whitespace
 * collapsed to single spaces. `normalizeText('The,  Eiffel  Tower!')` → `'eiffel tower'`.
 */
export function normalizeText(text: string): string {
  const cleaned = text.normalize('NFD').toLowerCase().replace(PUNCTUATION, '').replace(ARTICLES, ' ');
  return cleaned
    .split(PYTHON_WHITESPACE)
    .filter((word) => word !== '')
    .join(' ');
}
