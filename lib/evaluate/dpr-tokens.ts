/**
 * DPR's `SimpleTokenizer` (`dspy/dsp/utils/dpr.py`): runs of letters, digits and marks, or any
 * single character that is neither a separator nor a control character.
 */
const TOKEN = /[\p{L}\p{N}\p{M}]+|[^\p{Z}\p{C}]/gu;

/** DSPy's `DPR_normalize`: the lowercased tokens of the NFD form of `text`. */
export function dprTokens(text: string): string[] {
  return Array.from(text.normalize('NFD').matchAll(TOKEN), (match) => match[0].toLowerCase());
}

/** DSPy's `has_answer`: true when some answer's tokens occur as a contiguous run in `text`'s tokens. */
export function hasAnswer(answerTokens: readonly (readonly string[])[], text: string): boolean {
  const tokens = dprTokens(text);
  return answerTokens.some((answer) => {
    for (let start = 0; start + answer.length <= tokens.length; start += 1) {
      if (answer.every((token, offset) => tokens[start + offset] === token)) return true;
    }
    return false;
  });
}
