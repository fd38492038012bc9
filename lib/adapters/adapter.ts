import type { BaseLM, LMCallOptions } from '../lm/base-lm';
import type { ChatMessage } from '../lm/chat-message';
import type { Example } from '../primitives/example';
import { OutputValidationError, describeProblem, describeValue } from '../errors';
import { Signature } from '../signatures/signature';
import { emptyResponseError } from './output-fields';

/** Everything one adapter call needs besides the LM. */
export interface AdapterCallRequest {
  /** What the LM must produce. */
  signature: Signature;
  /** Few-shot demos, each keyed by field names (extra keys are ignored). */
  demos: readonly (Example | Readonly<Record<string, unknown>>)[];
  /** This call's input values, keyed by input field names. */
  inputs: Readonly<Record<string, unknown>>;
  /** Per-call LM options (already merged over the predictor's config), including `n`, `temperature` and `signal`. */
  options: LMCallOptions;
  /** Runs each step (format, the LM call, parse of each completion) so the caller can observe it (Predict fires callbacks). */
  observe?: AdapterStepObserver;
}

/** Wraps one step of `Adapter.call`: `run` does the step; `inputs` and the result describe it. */
export type AdapterStepObserver = <T>(step: 'format' | 'lm' | 'parse', instance: object, inputs: Readonly<Record<string, unknown>>, run: () => T) => T;

/**
 * The adapter contract: how a signature, demos and inputs become chat messages, and how an LM
 * reply becomes output fields (DSPy's `Adapter`). `ChatAdapter` is the reference implementation.
 * Subclasses implement `format`, `parse` and `formatFieldsBlock`; `call` runs the whole exchange.
 */
export abstract class Adapter {
  /** The messages sent to the LM: system message, demo turns, then the request. */
  abstract format(signature: Signature, demos: AdapterCallRequest['demos'], inputs: Readonly<Record<string, unknown>>): ChatMessage[];

  /**
   * Reads the output fields from one completion, converted to their types. Never falls back to another format.
   * @throws {AdapterParseError} ADAPTER_PARSE when the text cannot be parsed; `fields` names the fields at fault.
   */
  abstract parse(signature: Signature, text: string): Record<string, unknown>;

  /** How an answer object looks in this adapter's reply format (what DummyLM replies with). */
  abstract formatFieldsBlock(values: Readonly<Record<string, unknown>>): string;

  /** LM options for this call; subclasses add what their format needs (JSONAdapter: `responseFormat`). */
  protected lmOptions(_signature: Signature, options: LMCallOptions): LMCallOptions {
    return options;
  }

  /**
   * Formats the request, calls the LM once, and parses every completion (one object per completion, `n` ≥ 1).
   * Output fields a completion did not produce are null.
   * @throws {AdapterParseError} ADAPTER_PARSE for an empty reply or one that cannot be parsed.
   * @throws the LM's own errors (`LM_HTTP`, `LM_TIMEOUT`, …), and `signal.reason` when the call is aborted.
   */
  async call(lm: BaseLM, request: AdapterCallRequest): Promise<Record<string, unknown>[]> {
    const { options, observe } = request;
    options.signal?.throwIfAborted();
    const signature = Signature.from(request.signature);
    const { demos, inputs } = request;
    const messages = observe
      ? observe('format', this, { signature, demos, inputs }, () => this.format(signature, demos, inputs))
      : this.format(signature, demos, inputs);
    const lmOptions = this.lmOptions(signature, options);
    const { outputs } = await (observe
      ? observe('lm', lm, { messages, options: lmOptions }, () => lm.call(messages, lmOptions))
      : lm.call(messages, lmOptions));
    const completions = outputs.map((output: string | null | undefined) => {
      if (typeof output !== 'string' || output === '') throw emptyResponseError(this.constructor.name, signature, output);
      const values = observe ? observe('parse', this, { signature, completion: output }, () => this.parse(signature, output)) : this.parse(signature, output);
      for (const field of signature.outputFields) if (!Object.hasOwn(values, field.name)) values[field.name] = null;
      return values;
    });
    if (!signature.outputFields.some((field) => field.schema !== undefined)) return completions;
    for (const values of completions) await validateWithSchemas(this.constructor.name, signature, values, outputs);
    return completions;
  }
}

/**
 * Validates each Standard Schema-typed output through `~standard.validate` (awaited, so async
 * validators work) and stores the schema's output value (its transforms applied).
 * @throws {OutputValidationError} OUTPUT_INVALID listing the schema's issues in `details.issues`.
 */
async function validateWithSchemas(adapter: string, signature: Signature, values: Record<string, unknown>, outputs: readonly unknown[]): Promise<void> {
  for (const field of signature.outputFields) {
    if (field.schema === undefined) continue;
    const result = await field.schema['~standard'].validate(values[field.name]);
    if (result.issues === undefined) {
      values[field.name] = result.value;
      continue;
    }
    const issues = result.issues.map((issue) => ({
      message: issue.message,
      path: (issue.path ?? []).map((segment) => (typeof segment === 'object' && segment !== null ? segment.key : segment)),
    }));
    const listed = issues.map((issue) => (issue.path.length === 0 ? issue.message : `${issue.path.map(String).join('.')}: ${issue.message}`)).join('; ');
    throw new OutputValidationError(
      describeProblem(
        `Output field "${field.name}" fails its schema: ${listed}.`,
        describeValue(values[field.name], 300),
        "Ask for values that satisfy the schema (e.g. in the field's desc or the instructions), or relax the schema.",
      ),
      { details: { adapter, field: field.name, fields: [field.name], issues, lmResponse: outputs.length === 1 ? outputs[0] : outputs } },
    );
  }
}
