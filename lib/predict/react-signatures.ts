import type { FieldType } from '../signatures/field-types';
import { Signature } from '../signatures/signature';
import type { Tool } from './tool';

const TOOL_ARGS_TYPE = 'dict[str, Any]';

/** The built-in tool's description: what DSPy's `finish` tells the model (``i.e. `answer`, …``). */
export function finishDescription(signature: Signature): string {
  const outputs = signature.outputFields.map((field) => `\`${field.name}\``).join(', ');
  return `Marks the task as complete. That is, signals that all information for producing the outputs, i.e. ${outputs}, are now available to be extracted.`;
}

/**
 * The step signature of DSPy's ReAct (`dspy/predict/react.py`): the original inputs plus
 * `trajectory`, and the outputs `next_thought`, `next_tool_name: Literal[<tools>, 'finish']` and
 * `next_tool_args: dict[str, Any]`; its instructions are the original ones followed by the agent
 * brief and one numbered line per tool (`tools` ends with `finish`).
 */
export function reactStepSignature(signature: Signature, tools: readonly Tool[]): Signature {
  const inputs = signature.inputFields.map((field) => `\`${field.name}\``).join(', ');
  const outputs = signature.outputFields.map((field) => `\`${field.name}\``).join(', ');
  const lines = [
    `${signature.instructions}\n`,
    `You are an Agent. In each episode, you will be given the fields ${inputs} as input. And you can see your past trajectory so far.`,
    `Your goal is to use one or more of the supplied tools to collect any necessary information for producing ${outputs}.\n`,
    'To do this, you will interleave next_thought, next_tool_name, and next_tool_args in each turn, and also when finishing the task.',
    'After each tool call, you receive a resulting observation, which gets appended to your trajectory.\n',
    'When writing next_thought, you may reason about the current situation and plan for future steps.',
    'When selecting the next_tool_name and its next_tool_args, the tool must be one of:\n',
    ...tools.map((tool, index) => `(${index + 1}) ${tool.format()}`),
    'When providing `next_tool_args`, the value inside the field must be in JSON format',
  ];
  const toolNameType: FieldType = Object.freeze({ kind: 'literal', values: Object.freeze(tools.map((tool) => tool.name)) });
  return new Signature(signature.inputFields, lines.join('\n'))
    .append('trajectory', { kind: 'input' }, 'str')
    .append('next_thought', { kind: 'output' }, 'str')
    .append('next_tool_name', { kind: 'output' }, toolNameType)
    .append('next_tool_args', { kind: 'output' }, TOOL_ARGS_TYPE);
}

/** The signature of ReAct's final `extract` step: the original fields and instructions plus a `trajectory` input. */
export function reactExtractSignature(signature: Signature): Signature {
  return signature.append('trajectory', { kind: 'input' }, 'str');
}
