import { configurationError } from '../errors';
import { validateOption } from '../util/validate-options';
import { renderHistory } from './base-lm';
import { lastGlobalCalls } from './global-history';

/**
 * Prints the last `n` LM calls made anywhere in the process (any LM, any module) to stdout, as
 * DSPy's `dspy.inspect_history(n)`, and returns the text. `lm.inspectHistory(n)` and
 * `module.inspectHistory(n)` narrow it to one LM or one program.
 */
export function inspectHistory(n = 1): string {
  validateOption('inspectHistory', 'n', n, { kind: 'integer', min: 1 }, { error: configurationError });
  const text = renderHistory(lastGlobalCalls(n));
  process.stdout.write(text);
  return text;
}
