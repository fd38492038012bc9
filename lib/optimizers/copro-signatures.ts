import { Signature } from '../signatures/signature';

/*
 * The signatures COPRO sends to the prompt model, reproduced exactly from DSPy's
 * dspy/teleprompt/copro_optimizer.py (`BasicGenerateInstruction`, `GenerateInstructionGivenAttempts`):
 * their instructions and field descriptions are a prompt format (MIT, see NOTICE).
 */

const PREFIX_DESC = 'The string at the end of the prompt, which will help the model start solving the task';
const INSTRUCTION_DESC = 'The improved instructions for the language model';

/** DSPy's `BasicGenerateInstruction`: the first round, from the predictor's own instruction. */
export const BASIC_GENERATE_INSTRUCTION = Signature.parse(
  'basic_instruction -> proposed_instruction, proposed_prefix_for_output_field',
  'You are an instruction optimizer for large language models. I will give you a ``signature`` of fields (inputs and outputs) in English. ' +
    'Your task is to propose an instruction that will lead a good language model to perform the task well. ' +
    "Don't be afraid to be creative.",
)
  .withUpdatedFields('basic_instruction', { desc: 'The initial instructions before optimization' })
  .withUpdatedFields('proposed_instruction', { desc: INSTRUCTION_DESC })
  .withUpdatedFields('proposed_prefix_for_output_field', { desc: PREFIX_DESC });

/** DSPy's `GenerateInstructionGivenAttempts`: later rounds, from the scored attempts so far. */
export const GENERATE_INSTRUCTION_GIVEN_ATTEMPTS = Signature.parse(
  'attempted_instructions -> proposed_instruction, proposed_prefix_for_output_field',
  "You are an instruction optimizer for large language models. I will give some task instructions I've tried, along with their corresponding validation scores. " +
    'The instructions are arranged in increasing order based on their scores, where higher scores indicate better quality.\n\n' +
    'Your task is to propose a new instruction that will lead a good language model to perform the task even better. ' +
    "Don't be afraid to be creative.",
)
  .withUpdatedFields('proposed_instruction', { desc: INSTRUCTION_DESC })
  .withUpdatedFields('proposed_prefix_for_output_field', { desc: PREFIX_DESC });
