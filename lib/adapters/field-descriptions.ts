import type { Field } from '../signatures/field';
import type { Signature } from '../signatures/signature';
import { dedent, pythonStrip, splitLines } from '../util/python-text';

const INSTRUCTION_INDENT = `\n${' '.repeat(8)}`;

/** DSPy's `get_field_description_string`: numbered ``i. `name` (type): desc`` lines, the default `${name}` desc shown as empty. */
function describeFields(fields: readonly Field[]): string {
  const lines = fields.map((field, index) => {
    const desc = field.hasDefaultDesc ? '' : field.desc;
    const constraints = field.constraints ? `\nConstraints: ${field.constraints}` : '';
    return `${index + 1}. \`${field.name}\` (${field.annotation}): ${desc}${constraints}`;
  });
  // Stripping the whole list keeps the trailing space of every line but the last, as DSPy's prompts do.
  return pythonStrip(lines.join('\n'));
}

/** The first part of the system message: the input and output fields with their types and descriptions. */
export function fieldDescriptions(signature: Signature): string {
  return `Your input fields are:\n${describeFields(signature.inputFields)}\nYour output fields are:\n${describeFields(signature.outputFields)}`;
}

/** The last part of the system message: the instructions, every line indented by 8 spaces after `is: `. */
export function taskDescription(signature: Signature): string {
  const objective = splitLines(dedent(signature.instructions))
    .map((line) => `${INSTRUCTION_INDENT}${line}`)
    .join('');
  return `In adhering to this structure, your objective is: ${objective}`;
}
