import { isPredictor } from '../primitives/module-brand';
import type { Module } from '../primitives/module';
import type { Signature } from '../signatures/signature';
import { pythonRepr, pythonStringRepr } from '../util/python-format';

/** Modules whose code DSPy leaves out of the program description (`get_dspy_source_code`). */
const BUILT_IN = new Set(['Predict', 'ChainOfThought']);

/** A signature as DSPy prints a string signature class (`StringSignature(q -> a` … `)`). */
export function signatureRepr(signature: Signature): string {
  const fields = signature.fields.map((field) => {
    const extra = { __dspy_field_type: field.kind, prefix: field.prefix, desc: field.desc };
    return `    ${field.name} = Field(annotation=${field.annotation} required=True json_schema_extra=${pythonRepr(extra)})`;
  });
  return `StringSignature(${signature.toString()}\n    instructions=${pythonStringRepr(signature.instructions)}\n${fields.join('\n')}\n)`;
}

/**
 * The program "code" MIPROv2's proposer shows the prompt model, after DSPy's
 * `get_dspy_source_code`: each predictor's signature and each custom sub-module's class source,
 * then the program's own class source. JavaScript has no Python source to show, so the class
 * source is `Function.prototype.toString()` of the class (what the runtime holds: compiled
 * JavaScript when the program was written in TypeScript).
 */
export function programSource(program: Module): string {
  const header: string[] = [];
  const seen = new Set<string>();
  const add = (text: string): void => {
    if (seen.has(text)) return;
    seen.add(text);
    header.push(text);
  };
  for (const [, predictor] of program.namedPredictors()) add(signatureRepr(predictor.signature));
  for (const [name, module] of program.namedSubModules()) {
    if (name === 'self' || isPredictor(module) || BUILT_IN.has(module.constructor.name)) continue;
    add(module.constructor.toString().trim());
  }
  const base = BUILT_IN.has(program.constructor.name) ? '' : program.constructor.toString();
  return `${header.join('\n\n')}\n\n${base}`;
}
