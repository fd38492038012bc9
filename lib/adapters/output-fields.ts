import { AdapterParseError, OutputValidationError, describeProblem, describeValue } from '../errors';
import type { Field } from '../signatures/field';
import type { FieldType } from '../signatures/field-types';
import type { Signature } from '../signatures/signature';
import { parseValue } from './parse-value';
import type { LaxResult } from './validate-lax';

const RESPONSE_PREVIEW_LENGTH = 300;

/** DSPy's `annotation_allows_none`: `None`, `Optional[T]`, unions with `None` (not `Any`). */
function allowsNone(type: FieldType): boolean {
  return type.kind === 'none' || (type.kind === 'union' && type.members.some(allowsNone));
}

/**
 * Converts one output field's raw value to its type.
 * @throws {AdapterParseError} ADAPTER_PARSE when the value does not fit the type.
 * @throws {OutputValidationError} OUTPUT_INVALID when a class-typed value breaks its class-validator constraints.
 */
export function coerceOutputField(adapter: string, field: Field, raw: unknown, response: string): unknown {
  const result = parseValue(raw, field.type);
  if (result.ok) return result.value;
  throw outputFieldError(adapter, field, raw, result, response);
}

/**
 * The error for an output's raw value that `parseValue` found not to fit (`result`), for a caller
 * that already holds the result: a union of 2,000 members is not validated again to say why.
 */
export function outputFieldError(
  adapter: string,
  field: Field,
  raw: unknown,
  result: Extract<LaxResult, { ok: false }>,
  response: string,
): AdapterParseError | OutputValidationError {
  if (result.problems !== undefined) {
    return new OutputValidationError(
      describeProblem(
        `Output field "${field.name}" breaks the constraints of ${field.annotation}: ${result.message}.`,
        describeValue(raw, RESPONSE_PREVIEW_LENGTH),
        `Ask for values that satisfy the constraints (e.g. in the field's desc), or relax the class-validator decorators of ${field.annotation}.`,
      ),
      { details: { adapter, field: field.name, fields: [field.name], problems: result.problems, lmResponse: response } },
    );
  }
  return new AdapterParseError(
    describeProblem(
      `Failed to parse field ${field.name} from the LM response with ${adapter}: ${result.message}.`,
      describeValue(raw, RESPONSE_PREVIEW_LENGTH),
      `The value must be a valid ${field.annotation}; make the instructions or demos show one, or loosen the field's type.`,
    ),
    { fields: [field.name], details: { adapter, lmResponse: response } },
  );
}

/**
 * The parsed outputs in signature order, with missing `Optional` outputs set to null (DSPy's
 * `apply_output_field_defaults`).
 * @throws {AdapterParseError} ADAPTER_PARSE naming every required output the response lacks.
 */
export function completeOutputs(adapter: string, signature: Signature, parsed: ReadonlyMap<string, unknown>, response: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  let missing: string[] | undefined;
  for (const field of signature.outputFields) {
    if (parsed.has(field.name)) result[field.name] = parsed.get(field.name);
    else if (allowsNone(field.type)) result[field.name] = null;
    else (missing ??= []).push(field.name);
  }
  if (missing === undefined) return result;
  const expected = signature.outputFields.map((field) => field.name);
  throw new AdapterParseError(
    describeProblem(
      `${adapter} could not find every output field in the LM response: expected [${expected.join(', ')}], parsed [${[...parsed.keys()].join(', ')}].`,
      describeValue(response, RESPONSE_PREVIEW_LENGTH),
      adapter === 'JSONAdapter'
        ? 'The LM must answer with a JSON object holding every output field.'
        : adapter === 'XMLAdapter'
          ? 'The LM must wrap every output field in its own top-level XML tag (<name>…</name>); check the instructions and demos.'
          : 'The LM must write a "[[ ## name ## ]]" section for every output field; check the instructions and demos.',
    ),
    { fields: missing, details: { adapter, lmResponse: response, expected, parsed: [...parsed.keys()] } },
  );
}

/**
 * The error for an empty or null completion (DSPy: "The LM returned an empty or null response.").
 */
export function emptyResponseError(adapter: string, signature: Signature, output: unknown): AdapterParseError {
  return new AdapterParseError(
    describeProblem(
      `The LM returned an empty or null response (${adapter}).`,
      describeValue(output),
      'Check the LM: its reply may have been cut (maxTokens) or filtered.',
    ),
    { fields: signature.outputFields.map((field) => field.name), details: { adapter, lmResponse: output ?? null } },
  );
}
