import { Field } from '../signatures/field';
import { parseFieldType } from '../signatures/field-types';
import { Signature } from '../signatures/signature';
import type { Module } from '../primitives/module';
import type { Prediction } from '../primitives/prediction';
import type { TraceEntry } from '../settings/settings';
import { pythonJsonDumps } from '../util/python-format';
import { Predict } from './predict';

// DSPy's `OfferFeedback` prompt (dspy/predict/refine.py), kept word for word: it is model-facing behaviour.
const INSTRUCTIONS = `In the discussion, assign blame to each module that contributed to the final reward being below the threshold, if
any. Then, prescribe concrete advice of how the module should act on its future input when we retry the process, if
it were to receive the same or similar inputs. If a module is not to blame, the advice should be N/A.
The module will not see its own history, so it needs to rely on entirely concrete and actionable advice from you
to avoid the same mistake on the same or similar inputs.`;

function field(name: string, kind: 'input' | 'output', type: string, desc: string): Field {
  return new Field({ name, kind, type: parseFieldType(type), desc });
}

/** DSPy's `OfferFeedback` signature: what went wrong in an attempt, and advice per predictor. */
export const OFFER_FEEDBACK = new Signature(
  [
    field('program_code', 'input', 'str', 'The code of the program that we are analyzing'),
    field('modules_defn', 'input', 'str', 'The definition of each module in the program, including its I/O'),
    field('program_inputs', 'input', 'str', 'The inputs to the program that we are analyzing'),
    field('program_trajectory', 'input', 'str', "The trajectory of the program's execution, showing each module's I/O"),
    field('program_outputs', 'input', 'str', 'The outputs of the program that we are analyzing'),
    field('reward_code', 'input', 'str', 'The code of the reward function that we are analyzing'),
    field('target_threshold', 'input', 'float', 'The target threshold for the reward function'),
    field('reward_value', 'input', 'float', "The reward value assigned to the program's outputs"),
    field('module_names', 'input', 'list[str]', 'The names of the modules in the program, for which we seek advice'),
    field('discussion', 'output', 'str', 'Discussing blame of where each module went wrong, if it did'),
    field(
      'advice',
      'output',
      'dict[str, str]',
      'For each module, describe very concretely, in this order: the specific scenarios in which it has made mistakes in the past and what each mistake was, followed by what it should do differently in that kind ofscenario in the future. If the module is not to blame, write N/A.',
    ),
  ],
  INSTRUCTIONS,
);

/** DSPy's `get_field_description_string`: ``1. `name` (type): desc`` lines, the default desc shown empty. */
function describeFields(fields: readonly Field[]): string {
  return fields
    .map(
      (item, index) =>
        `${index + 1}. \`${item.name}\` (${item.annotation}): ${item.hasDefaultDesc ? '' : item.desc}${item.constraints ? `\nConstraints: ${item.constraints}` : ''}`,
    )
    .join('\n')
    .trim();
}

const SEPARATOR = '-'.repeat(80);

/** DSPy's `inspect_modules`: each predictor's fields and instructions, between dashed lines. */
export function describeModules(program: Module): string {
  const parts = [SEPARATOR];
  const indent = (text: string): string =>
    text === ''
      ? ''
      : text
          .split('\n')
          .map((line) => `\t\t${line}`)
          .join('\n');
  for (const [name, predictor] of program.namedPredictors()) {
    if (!(predictor instanceof Predict)) continue;
    const { signature } = predictor;
    parts.push(
      `Module ${name}`,
      '\tInput Fields:',
      indent(describeFields(signature.inputFields)),
      '\tOutput Fields:',
      indent(describeFields(signature.outputFields)),
    );
    parts.push(`\tOriginal Instructions: \n${indent(signature.instructions)}`, SEPARATOR);
  }
  return parts.join('\n');
}

/**
 * What dspex shows where DSPy shows the program's source code (JavaScript cannot reliably read
 * it): the program's class and each predictor's signature.
 */
export function describeProgram(program: Module): string {
  const lines = [`class ${program.constructor.name} (a dspex Module; its source code is not available, so its predictors are listed)`];
  for (const [name, predictor] of program.namedPredictors()) {
    if (predictor instanceof Predict) lines.push(`  ${name}: Predict('${predictor.signature.toString()}')`);
  }
  return lines.join('\n');
}

/** Everything the attempt produced, as the `OfferFeedback` inputs (non-strings as 2-space JSON, as DSPy's orjson dump). */
export function offerFeedbackInputs(request: {
  program: Module;
  inputs: Readonly<Record<string, unknown>>;
  trace: readonly TraceEntry[];
  prediction: Prediction;
  rewardCode: string;
  threshold: number | undefined;
  reward: number;
}): Record<string, string> {
  const names = new Map(request.program.namedPredictors().map(([name, predictor]) => [predictor as object, name]));
  const trajectory = request.trace.map((entry) => ({
    module_name: names.get(entry.predictor) ?? null,
    inputs: entry.inputs,
    outputs: (entry.prediction as Prediction).toJSON(),
  }));
  const values: Record<string, unknown> = {
    program_code: describeProgram(request.program),
    modules_defn: describeModules(request.program),
    program_inputs: request.inputs,
    program_trajectory: trajectory,
    program_outputs: request.prediction.toJSON(),
    reward_code: request.rewardCode,
    target_threshold: request.threshold ?? null,
    reward_value: request.reward,
    module_names: [...names.values()],
  };
  const formatted: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) formatted[key] = typeof value === 'string' ? value : pythonJsonDumps(value, 2);
  return formatted;
}
