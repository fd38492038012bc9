import { pythonStrip } from '../util/python-text';
import { formatFieldValue } from '../adapters/format-field-value';
import { XMLAdapter } from '../adapters/xml-adapter';
import type { Adapter } from '../adapters/adapter';

/**
 * ReAct's trajectory as the `trajectory` input shows it (DSPy's `ReAct._format_trajectory`): each
 * entry as an untyped input field of the adapter's user message, blocks separated by a blank line;
 * an empty trajectory is the empty string. ChatAdapter and JSONAdapter share the
 * `[[ ## thought_0 ## ]]\n…` layout (DSPy's JSONAdapter inherits `format_user_message_content`);
 * under the XMLAdapter each entry is `<thought_0>\n…\n</thought_0>`, as its input fields are. It is
 * built here directly rather than by formatting a throwaway signature on every step.
 */
export function formatTrajectory(trajectory: Readonly<Record<string, unknown>>, adapter?: Adapter): string {
  const isXml = adapter instanceof XMLAdapter;
  let text = '';
  for (const key of Object.keys(trajectory)) {
    // An untyped field is `str`: strings as they are, objects as JSON, lists as DSPy's numbered list.
    const value = formatFieldValue(trajectory[key]);
    const block = isXml ? `<${key}>\n${value}\n</${key}>` : `[[ ## ${key} ## ]]\n${value}`;
    text = text === '' ? block : `${text}\n\n${block}`;
  }
  return pythonStrip(text);
}
