import { pythonStrip } from '../../util/python-text';

/**
 * The prompt GEPA sends to the reflection LM, reproduced exactly from gepa's
 * `InstructionProposalSignature.default_prompt_template` (gepa-ai/gepa,
 * src/gepa/strategies/instruction_proposal.py; MIT, see NOTICE), and the rules that render the
 * reflective dataset into it and read the new instruction back out.
 */
export const REFLECTION_PROMPT_TEMPLATE = `I provided an assistant with the following instructions to perform a task for me:
\`\`\`
<curr_param>
\`\`\`

The following are examples of different task inputs provided to the assistant along with the assistant's response for each of them, and some feedback on how the assistant's response could be better:
\`\`\`
<side_info>
\`\`\`

Your task is to write a new instruction for the assistant.

Read the inputs carefully and identify the input format and infer detailed task description about the task I wish to solve with the assistant.

Read all the assistant responses and the corresponding feedback. Identify all niche and domain specific factual information about the task and include it in the instruction, as a lot of it may not be available to the assistant in the future. The assistant may have utilized a generalizable strategy to solve the task, if so, include that in the instruction as well.

Provide the new instructions within \`\`\` blocks.`;

/** One record of the reflective dataset: `Inputs`, `Generated Outputs` and `Feedback`, in that order (DSPy's `make_reflective_dataset`). */
export type ReflectiveRecord = Readonly<Record<string, unknown>>;

/** Python's `str(value).strip()`-style rendering of a leaf (values are already strings in DSPy's records). */
function renderLeaf(value: unknown): string {
  return `${pythonStrip(String(value))}\n\n`;
}

function renderValue(value: unknown, level: number): string {
  if (Array.isArray(value)) {
    let text = '';
    value.forEach((item, index) => {
      text += `${'#'.repeat(level)} Item ${index + 1}\n${renderValue(item, Math.min(level + 1, 6))}`;
    });
    return value.length === 0 ? `${text}\n` : text;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    let text = '';
    for (const [key, item] of entries) text += `${'#'.repeat(level)} ${key}\n${renderValue(item, Math.min(level + 1, 6))}`;
    return entries.length === 0 ? `${text}\n` : text;
  }
  return renderLeaf(value);
}

/** The records as gepa's markdown: `# Example n`, `## key`, then nested `###` headers. */
export function renderReflectiveDataset(records: readonly ReflectiveRecord[]): string {
  return records
    .map((record, index) => {
      let text = `# Example ${index + 1}\n`;
      for (const [key, value] of Object.entries(record)) text += `## ${key}\n${renderValue(value, 3)}`;
      return text;
    })
    .join('\n\n');
}

/** The full reflection prompt for one component's current instruction and its records. */
export function renderReflectionPrompt(currentInstruction: string, records: readonly ReflectiveRecord[]): string {
  // replace() with a function: `$` sequences in user text must stay literal (Python's str.replace).
  return REFLECTION_PROMPT_TEMPLATE.replace('<curr_param>', () => currentInstruction).replace('<side_info>', () => renderReflectiveDataset(records));
}

/**
 * The new instruction in a reflection LM reply (gepa's `output_extractor`): the text between the
 * first and last triple backticks, without a language tag; an unclosed block or no block falls back to the stripped text.
 */
export function extractInstruction(reply: string): string {
  const start = reply.indexOf('```') + 3;
  const end = reply.lastIndexOf('```');
  if (start >= end) {
    const stripped = reply.trim();
    if (stripped.startsWith('```')) {
      const match = /^```\S*\n?/.exec(reply);
      if (match) return reply.slice(match[0].length).trim();
    } else if (stripped.endsWith('```')) return stripped.slice(0, -3).trim();
    return stripped;
  }
  let content = reply.slice(start, end);
  const tag = /^\S*\n/.exec(content);
  if (tag) content = content.slice(tag[0].length);
  return content.trim();
}
