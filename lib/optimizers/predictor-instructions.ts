import type { Module } from '../primitives/module';
import type { Predict } from '../predict/predict';

/**
 * Instruction and prefix editing of a program's predictors, through `namedPredictors()` only
 * (shared by COPRO, MIPROv2 and GEPA). DSPy edits `predictor.signature` in place with
 * `with_instructions(...)` and, for COPRO, `with_updated_fields(last_key, prefix=...)`.
 */

/** What an instruction optimizer may set on one predictor. */
export interface PredictorPrompt {
  readonly instruction: string;
  /** The prefix of the signature's last field (DSPy's `proposed_prefix_for_output_field`); unchanged when absent. */
  readonly prefix?: string;
}

/** The predictor's current instructions. */
export function instructionOf(predictor: Predict): string {
  return predictor.signature.instructions;
}

/** The prefix of the predictor signature's last field (DSPy's `*_, last_key = fields.keys()`). */
export function lastFieldPrefixOf(predictor: Predict): string {
  const fields = predictor.signature.fields;
  return fields[fields.length - 1].prefix;
}

/** Gives `predictor` new instructions (and a new last-field prefix when given). */
export function setPredictorPrompt(predictor: Predict, prompt: PredictorPrompt): void {
  let signature = predictor.signature.withInstructions(prompt.instruction);
  if (prompt.prefix !== undefined) {
    const fields = signature.fields;
    signature = signature.withUpdatedFields(fields[fields.length - 1].name, { prefix: prompt.prefix });
  }
  predictor.signature = signature;
}

/** The predictor of `program` named `name` (as `namedPredictors()` names it), or undefined. */
export function predictorNamed(program: Module, name: string): Predict | undefined {
  return program.namedPredictors().find(([predictorName]) => predictorName === name)?.[1];
}

/** Applies one prompt per predictor name; names not in the map keep their prompt. */
export function applyPrompts(program: Module, prompts: ReadonlyMap<string, PredictorPrompt>): void {
  for (const [name, predictor] of program.namedPredictors()) {
    const prompt = prompts.get(name);
    if (prompt !== undefined) setPredictorPrompt(predictor, prompt);
  }
}

/** Every predictor's instructions and last-field prefix, by name, in `namedPredictors()` order. */
export function promptsOf(program: Module): Map<string, Required<PredictorPrompt>> {
  const prompts = new Map<string, Required<PredictorPrompt>>();
  for (const [name, predictor] of program.namedPredictors()) prompts.set(name, { instruction: instructionOf(predictor), prefix: lastFieldPrefixOf(predictor) });
  return prompts;
}
