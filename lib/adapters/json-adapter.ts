import { AdapterParseError, describeProblem, describeValue, configurationError } from '../errors';
import type { LMCallOptions } from '../lm/base-lm';
import { getRootLogger, type Logger } from '../logging/logger';
import { fieldsOfRecord } from '../primitives/example';
import { Signature, type SignatureInput } from '../signatures/signature';
import { MAX_NESTING_DEPTH } from '../util/nesting-depth';
import { pythonJsonDumps } from '../util/python-format';
import { pythonJsonForType } from './format-field-value';
import { coerceOutputField, completeOutputs, emptyResponseError } from './output-fields';
import { fieldPlaceholder, typeInfo } from './output-hint';
import { pythonStr } from './python-str';
import { repairJson, repairJsonFrom } from './repair-json';
import { pythonStrip } from '../util/python-text';
import { JSON_OBJECT_FORMAT, structuredOutputFormat } from './structured-output-format';
import { hasValue, TemplateAdapter } from './template-adapter';
import { LOGGER_RULE, validateOptions } from '../util/validate-options';

/** Options of `JSONAdapter`. */
export interface JSONAdapterOptions {
  logger?: Logger;
}

const STRUCTURE_INTRO = 'All interactions will be structured in the following way, with the appropriate values filled in.';
const responseFormats = new WeakMap<Signature, Readonly<Record<string, unknown>>>();

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The first balanced `{…}` in the text, as DSPy's recursive pattern `\{(?:[^{}]|(?R))*\}` finds
 * it (braces inside strings count too, as they do there): the leftmost `{` that is ever closed,
 * up to its closing `}`. The first `{` usually is (`{…} {…}`), and one forward pass from it finds
 * its end. Otherwise: a `{` is closed when more `}` than `{` follow it at some point, so one
 * backward pass counting unmatched `}` finds the leftmost closed `{`, and one forward pass its
 * end: linear, with no stack (1 MB of `{` used to push a million positions).
 */
function firstBalancedObject(text: string): string | undefined {
  const first = text.indexOf('{');
  if (first === -1) return undefined;
  const fromFirst = balancedFrom(text, first);
  if (fromFirst !== undefined) return fromFirst;
  let unmatchedClosers = 0;
  let start = -1;
  for (let index = text.lastIndexOf('}'); index > first; index -= 1) {
    const char = text.charCodeAt(index);
    if (char === 0x7d) {
      unmatchedClosers += 1;
    } else if (char === 0x7b && unmatchedClosers > 0) {
      unmatchedClosers -= 1;
      start = index;
    }
  }
  return start === -1 ? undefined : balancedFrom(text, start);
}

/** The text from the `{` at `start` to the `}` that closes it, or undefined when none does. */
function balancedFrom(text: string, start: number): string | undefined {
  let depth = 0;
  for (let index = start; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (char === 0x7b) depth += 1;
    else if (char === 0x7d && (depth -= 1) === 0) return text.slice(start, index + 1);
  }
  return undefined;
}

type ReadObject = { readonly object: Record<string, unknown>; readonly source: string } | { readonly object: undefined; readonly tooDeep: boolean };

/** The reply read as DSPy reads it: `json_repair` on the whole text, else on its first balanced `{…}`; `tooDeep` when nesting was refused. */
function readObject(text: string): ReadObject {
  const { result: whole, start } = repairJsonFrom(text);
  if (whole.ok && isJsonObject(whole.value)) return { object: whole.value, source: start === 0 ? text : text.slice(start) };
  const embedded = firstBalancedObject(text);
  const parsed = embedded === undefined ? undefined : repairJson(embedded);
  if (embedded !== undefined && parsed !== undefined && parsed.ok && isJsonObject(parsed.value)) return { object: parsed.value, source: embedded };
  return { object: undefined, tooDeep: !whole.ok || (parsed !== undefined && !parsed.ok) };
}

/**
 * Python's `str()` of the values `str` fields received as JSON numbers, lists or objects (`4.0`
 * stays `"4.0"`, `1e16` is `"1e+16"`): the source is read again keeping each number's text.
 */
function pythonTextOfFields(source: string, names: readonly string[]): Map<string, string> {
  const texts = new Map<string, string>();
  const reread = repairJson(source, { numberText: true });
  if (!reread.ok || !isJsonObject(reread.value)) return texts;
  for (const name of names) if (Object.hasOwn(reread.value, name)) texts.set(name, pythonStr(reread.value[name]));
  return texts;
}

/**
 * DSPy's JSON adapter: the same system message as ChatAdapter but outputs described as a JSON
 * object, demos answered with 2-space-indented JSON, and the LM asked for Structured Outputs
 * (`responseFormat`: a strict JSON schema of the outputs, or `json_object` for open-ended dicts).
 * ChatAdapter falls back to it when a call fails.
 * @example
 * new JSONAdapter().parse('question -> answer: int', 'Sure: {"answer": 4}'); // { answer: 4 }
 */
export class JSONAdapter extends TemplateAdapter {
  readonly #parentLogger: Logger | undefined;
  #log: Logger | undefined;

  /** @throws {ConfigurationError} CONFIGURATION_INVALID for an unknown option or a wrong value. */
  constructor(options: JSONAdapterOptions = {}) {
    super();
    const known = validateOptions('new JSONAdapter()', options, { logger: LOGGER_RULE }, { error: configurationError }).known as JSONAdapterOptions;
    this.#parentLogger = known.logger;
  }

  private get log(): Logger {
    this.#log ??= (this.#parentLogger ?? getRootLogger()).child({ component: 'adapter', adapter: 'JSONAdapter' });
    return this.#log;
  }

  protected override fieldStructure(signature: Signature): string {
    const outputs = Object.fromEntries(signature.outputFields.map((field) => [field.name, fieldPlaceholder(field)]));
    const parts = [
      STRUCTURE_INTRO,
      'Inputs will have the following structure:',
      this.placeholderBlocks(signature.inputFields),
      'Outputs will be a JSON object with the following fields.',
      pythonJsonDumps(outputs, 2),
    ];
    return pythonStrip(parts.join('\n\n'));
  }

  protected override outputRequirements(signature: Signature): string {
    const fields = signature.outputFields.map((field) => `\`${field.name}\`${typeInfo(field)}`).join(', then ');
    return `Respond with a JSON object in the following order of fields: ${fields}.`;
  }

  protected override assistantMessage(signature: Signature, values: Readonly<Record<string, unknown>>, missingText: string): string {
    if (signature.outputFields.length === 0) return '{}';
    const entries = signature.outputFields.map((field) => {
      const value = hasValue(values, field.name) ? pythonJsonForType(values[field.name], field.type, 2, 1) : JSON.stringify(missingText);
      return `  ${JSON.stringify(field.name)}: ${value}`;
    });
    return `{\n${entries.join(',\n')}\n}`;
  }

  /** The values as a 2-space-indented JSON object (DummyLM's replies in JSON mode). */
  override formatFieldsBlock(values: Readonly<Record<string, unknown>>): string {
    return pythonJsonForType(fieldsOfRecord(values), undefined, 2);
  }

  /**
   * Reads the reply as a JSON object as DSPy does (`json_repair`, which skips text around the
   * object and repairs quotes, commas and missing brackets; else the first `{…}` inside it); keys
   * that are not output fields are ignored, values are converted to their field types, missing
   * `Optional` outputs are null.
   * @throws {AdapterParseError} ADAPTER_PARSE when there is no JSON object, a required output is missing, or a value does not fit.
   * @throws {OutputValidationError} OUTPUT_INVALID when a class-typed value breaks its constraints.
   */
  override parse(signature: SignatureInput, text: string): Record<string, unknown> {
    const resolved = Signature.from(signature);
    if (typeof text !== 'string') throw emptyResponseError('JSONAdapter', resolved, text);
    const read = readObject(text);
    if (read.object === undefined) {
      const tooDeep = read.tooDeep;
      throw new AdapterParseError(
        describeProblem(
          tooDeep ? `LM response nests more than ${MAX_NESTING_DEPTH} levels deep.` : 'LM response cannot be serialized to a JSON object.',
          describeValue(text, 300),
          'The LM must answer with a JSON object holding the output fields.',
        ),
        {
          fields: resolved.outputFields.map((field) => field.name),
          details: { adapter: 'JSONAdapter', lmResponse: text, ...(tooDeep ? { maxDepth: MAX_NESTING_DEPTH } : {}) },
        },
      );
    }
    const object = read.object;
    const textFields = resolved.outputFields.filter(
      (field) => field.type.kind === 'str' && Object.hasOwn(object, field.name) && typeof object[field.name] !== 'string',
    );
    const pythonTexts =
      textFields.length === 0
        ? undefined
        : pythonTextOfFields(
            read.source,
            textFields.map((field) => field.name),
          );
    const parsed = new Map<string, unknown>();
    for (const field of resolved.outputFields) {
      if (!Object.hasOwn(object, field.name)) continue;
      const value = pythonTexts?.get(field.name) ?? object[field.name];
      parsed.set(field.name, coerceOutputField('JSONAdapter', field, value, text));
    }
    return completeOutputs('JSONAdapter', resolved, parsed, text);
  }

  /** Adds `responseFormat`: the outputs' JSON schema, or `json_object` when a schema cannot be used. */
  protected override lmOptions(signature: Signature, options: LMCallOptions): LMCallOptions {
    let responseFormat = responseFormats.get(signature);
    if (responseFormat === undefined) {
      try {
        responseFormat = structuredOutputFormat(signature);
      } catch (error) {
        // As DSPy: a schema that cannot be built only costs the stricter mode.
        this.log.warn({ err: error, signature: signature.toString() }, 'cannot build structured output schema; using json_object');
        responseFormat = JSON_OBJECT_FORMAT;
      }
      responseFormats.set(signature, responseFormat);
    }
    return { ...options, responseFormat };
  }
}
