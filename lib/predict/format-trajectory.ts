import { pythonStrip } from '../util/python-text';
import { formatFieldValue } from '../adapters/format-field-value';

/**
 * ReAct's trajectory as the `trajectory` input shows it (DSPy's `ReAct._format_trajectory`): each
 * entry as an untyped input field of the adapter's user message, `[[ ## thought_0 ## ]]\n…`, blocks
 * separated by a blank line; an empty trajectory is the empty string. ChatAdapter and JSONAdapter
 * share this layout (DSPy's JSONAdapter inherits `format_user_message_content`), so it is built here
 * directly rather than by formatting a throwaway signature on every step.
 */
export function formatTrajectory(trajectory: Readonly<Record<string, unknown>>): string {
  let text = '';
  for (const key of Object.keys(trajectory)) {
    // An untyped field is `str`: strings as they are, objects as JSON, lists as DSPy's numbered list.
    const block = `[[ ## ${key} ## ]]\n${formatFieldValue(trajectory[key])}`;
    text = text === '' ? block : `${text}\n\n${block}`;
  }
  return pythonStrip(text);
}
