import { Signature } from '../signatures/signature';

/*
 * The signatures MIPROv2's grounded proposer sends to the prompt model, reproduced exactly from
 * DSPy's dspy/propose/grounded_proposer.py and dspy/propose/dataset_summary_generator.py (their
 * instructions and field descriptions are a prompt format; MIT, see NOTICE).
 */

/** Builds a signature from `[name, desc]` inputs and outputs (every field a `str`). */
function build(instructions: string, inputs: readonly [string, string][], outputs: readonly [string, string][]): Signature {
  let signature: Signature = Signature.parse(`${inputs.map(([name]) => name).join(', ')} -> ${outputs.map(([name]) => name).join(', ')}`, instructions);
  for (const [name, desc] of [...inputs, ...outputs]) signature = signature.withUpdatedFields(name, { desc });
  return signature;
}

const PROGRAM_CODE_DESC = 'Pseudocode for a language model program designed to solve a particular task.';
const PROGRAM_EXAMPLE_DESC = 'An example of the program in use.';
const PROGRAM_SUMMARY_DESC = 'Summary of the task the program is designed to solve, and how it goes about solving it.';

/** DSPy's `DescribeProgram`. */
export const DESCRIBE_PROGRAM = build(
  'Below is some pseudo-code for a pipeline that solves tasks with calls to language models. Please describe what type of task this program appears to be designed to solve, and how it appears to work.',
  [
    ['program_code', PROGRAM_CODE_DESC],
    ['program_example', PROGRAM_EXAMPLE_DESC],
  ],
  [['program_description', 'Describe what task the program is designed to solve, and how it goes about solving this task.']],
);

/** DSPy's `DescribeModule`. */
export const DESCRIBE_MODULE = build(
  'Below is some pseudo-code for a pipeline that solves tasks with calls to language models. Please describe the purpose of one of the specified module in this pipeline.',
  [
    ['program_code', PROGRAM_CODE_DESC],
    ['program_example', PROGRAM_EXAMPLE_DESC],
    ['program_description', PROGRAM_SUMMARY_DESC],
    ['module', 'The module in the program that we want to describe.'],
  ],
  [['module_description', "Description of the module's role in the broader program."]],
);

/** Which optional inputs DSPy's `generate_instruction_class` includes. */
export interface InstructionSignatureFlags {
  useDatasetSummary: boolean;
  programAware: boolean;
  useInstructHistory: boolean;
  useTip: boolean;
}

/** DSPy's `GenerateSingleModuleInstruction`, with the inputs `generate_instruction_class` switches on. */
export function generateInstructionSignature(flags: InstructionSignatureFlags): Signature {
  const inputs: [string, string][] = [];
  if (flags.useDatasetSummary) inputs.push(['dataset_description', 'A description of the dataset that we are using.']);
  if (flags.programAware) {
    inputs.push(
      ['program_code', 'Language model program designed to solve a particular task.'],
      ['program_description', PROGRAM_SUMMARY_DESC],
      ['module', 'The module to create an instruction for.'],
      ['module_description', 'Description of the module to create an instruction for.'],
    );
  }
  inputs.push(['task_demos', 'Example inputs/outputs of our module.']);
  if (flags.useInstructHistory) inputs.push(['previous_instructions', "Previous instructions we've attempted, along with their associated scores."]);
  inputs.push(['basic_instruction', 'Basic instruction.']);
  if (flags.useTip) inputs.push(['tip', 'A suggestion for how to go about generating the new instruction.']);
  return build(
    'Use the information below to learn about a task that we are trying to solve using calls to an LM, then generate a new instruction that will be used to prompt a Language Model to better solve the task.',
    inputs,
    [['proposed_instruction', 'Propose an instruction that will be used to prompt a Language Model to perform this task.']],
  );
}

/** DSPy's `TIPS` (the grounded proposer picks one at random per proposal). */
export const PROPOSER_TIPS: Readonly<Record<string, string>> = {
  none: '',
  creative: "Don't be afraid to be creative when creating the new instruction!",
  simple: 'Keep the instruction clear and concise.',
  description: 'Make sure your instruction is very informative and descriptive.',
  high_stakes: 'The instruction should include a high stakes scenario in which the LM must solve the task!',
  persona: 'Include a persona that is relevant to the task in the instruction (ie. "You are a ...")',
};

/** DSPy's `ObservationSummarizer`. */
export const OBSERVATION_SUMMARIZER = build(
  'Given a series of observations I have made about my dataset, please summarize them into a brief 2-3 sentence summary which highlights only the most important details.',
  [['observations', 'Observations I have made about my dataset']],
  [['summary', 'Two to Three sentence summary of only the most significant highlights of my observations']],
);

/** DSPy's `DatasetDescriptor`. */
export const DATASET_DESCRIPTOR = build(
  'Given several examples from a dataset please write observations about trends that hold for most or all of the samples. ' +
    'Some areas you may consider in your observations: topics, content, syntax, conciseness, etc. ' +
    "It will be useful to make an educated guess as to the nature of the task this dataset will enable. Don't be afraid to be creative",
  [['examples', 'Sample data points from the dataset']],
  [['observations', 'Somethings that holds true for most or all of the data you observed']],
);

/** DSPy's `DatasetDescriptorWithPriorObservations` (its spelling "conciceness" included). */
export const DATASET_DESCRIPTOR_WITH_PRIOR_OBSERVATIONS = build(
  'Given several examples from a dataset please write observations about trends that hold for most or all of the samples. ' +
    "I will also provide you with a few observations I have already made.  Please add your own observations or if you feel the observations are comprehensive say 'COMPLETE' " +
    'Some areas you may consider in your observations: topics, content, syntax, conciceness, etc. ' +
    "It will be useful to make an educated guess as to the nature of the task this dataset will enable. Don't be afraid to be creative",
  [
    ['examples', 'Sample data points from the dataset'],
    ['prior_observations', 'Some prior observations I made about the data'],
  ],
  [['observations', 'Somethings that holds true for most or all of the data you observed or COMPLETE if you have nothing to add']],
);

/** DSPy's `strip_prefix`: drops a leading `Label words:` (up to five words) and surrounding quotes. */
export function stripPrefix(text: string): string {
  return text.replace(/^[*\s]*(([\w'-]+\s+){0,4}[\w'-]+):\s*/, '').replace(/^"+|"+$/g, '');
}
