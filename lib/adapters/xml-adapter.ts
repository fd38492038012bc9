import { AdapterParseError, describeProblem, describeValue } from '../errors';
import { fieldsOfRecord } from '../primitives/example';
import type { Field } from '../signatures/field';
import type { FieldType } from '../signatures/field-types';
import { pydanticSchemaOf } from '../signatures/json-schema';
import { Signature, type SignatureInput } from '../signatures/signature';
import { MAX_NESTING_DEPTH } from '../util/nesting-depth';
import { pythonStrip } from '../util/python-text';
import { ChatAdapter } from './chat-adapter';
import { formatFieldValue } from './format-field-value';
import { completeOutputs, emptyResponseError, outputFieldError } from './output-fields';
import { fieldPlaceholder } from './output-hint';
import { parseValue } from './parse-value';
import { hasValue } from './template-adapter';
import { validateLax, type LaxResult } from './validate-lax';
import { parseXml, xmlPosition, XmlBlockPool, XmlSyntaxError, type XmlDocument } from './xml-tree';
import {
  delegatedChoice,
  elementsToValue,
  escapeXmlText,
  groupChildren,
  isNestedValue,
  schemaToXml,
  shapeKey,
  usesNestedXml,
  valueToXml,
  XmlWorkExceeded,
  type ElementList,
  type Schema,
  type WorkBudget,
} from './xml-values';

const STRUCTURE_INTRO = 'All interactions will be structured in the following way, with the appropriate values filled in.';
const ROOT_TAG = 'dspy_root';
const ANY_TYPE: FieldType = Object.freeze({ kind: 'any' });
const schemas = new WeakMap<FieldType, Schema>();

function schemaOf(type: FieldType): Schema {
  let schema = schemas.get(type);
  if (schema === undefined) {
    const raw = pydanticSchemaOf(type);
    schema = typeof raw === 'object' ? raw : {};
    schemas.set(type, schema);
  }
  return schema;
}

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One field as DSPy's `XMLAdapter.format_field_with_value` writes it: nested XML, or `<name>\nVALUE\n</name>`. */
function fieldBlock(field: Field, value: unknown): string {
  const isOutput = field.kind === 'output';
  if (isOutput && usesNestedXml(field.type) && isNestedValue(value)) return valueToXml(value, field.name, field.type);
  const formatted = formatFieldValue(value, field.type);
  return `<${field.name}>\n${isOutput && field.type.kind === 'str' ? escapeXmlText(formatted) : formatted}\n</${field.name}>`;
}

/**
 * DSPy's `XMLAdapter`: fields wrapped in XML tags (`<answer>…</answer>`), lists, dicts and classes
 * as nested XML in outputs, and replies read with an XML parser (ElementTree's semantics). As a
 * `ChatAdapter`, a call that fails for any reason but the LM's own errors is retried once through
 * `JSONAdapter` (`useJsonAdapterFallback`, default true); `parse` itself never falls back.
 * @example
 * configure({ adapter: new XMLAdapter() });
 * new XMLAdapter().parse('question -> answer: int', '<answer>4</answer>'); // { answer: 4 }
 */
export class XMLAdapter extends ChatAdapter {
  /** Storage of the documents this adapter has read, reused by the next (`parse` never nests). */
  readonly #blocks = new XmlBlockPool();

  protected override fieldStructure(signature: Signature): string {
    const block = (field: Field): string =>
      field.kind === 'output' && usesNestedXml(field.type) ? schemaToXml(field.name, schemaOf(field.type)) : fieldBlock(field, fieldPlaceholder(field));
    const inputs = signature.inputFields.map(block).join('\n\n');
    const outputs = signature.outputFields.map(block).join('\n\n');
    return [STRUCTURE_INTRO, inputs, outputs].join('\n\n');
  }

  protected override outputRequirements(signature: Signature): string {
    const tags = signature.outputFields.map((field) => `\`<${field.name}>\``).join(', then ');
    const nested = signature.outputFields.filter((field) => usesNestedXml(field.type)).map((field) => schemaToXml(field.name, schemaOf(field.type)));
    const structure = nested.length > 0 ? ` Use this nested XML structure: ${nested.join(' ')}` : '';
    return `Respond with the corresponding output fields wrapped in XML tags ${tags}.${structure}`;
  }

  protected override userMessage(signature: Signature, values: Readonly<Record<string, unknown>>, prefix: string, requirements?: string): string {
    const blocks = signature.inputFields.filter((field) => hasValue(values, field.name)).map((field) => fieldBlock(field, values[field.name]));
    const parts = [prefix, pythonStrip(blocks.join('\n\n'))];
    if (requirements !== undefined) parts.push(requirements);
    parts.push('');
    return pythonStrip(parts.join('\n\n'));
  }

  protected override assistantMessage(signature: Signature, values: Readonly<Record<string, unknown>>, missingText: string): string {
    const blocks = signature.outputFields.map((field) => fieldBlock(field, hasValue(values, field.name) ? values[field.name] : missingText));
    return pythonStrip(blocks.join('\n\n'));
  }

  /**
   * The values as `<name>\nVALUE\n</name>` blocks (DummyLM's replies in XML mode). Unlike DSPy's
   * DummyLM, `&` and `<` in the text are escaped, so every reply parses back to the values given.
   */
  override formatFieldsBlock(values: Readonly<Record<string, unknown>>): string {
    const record = fieldsOfRecord(values);
    const blocks = Object.keys(record).map((name) => `<${name}>\n${escapeXmlText(formatFieldValue(record[name], ANY_TYPE))}\n</${name}>`);
    return pythonStrip(blocks.join('\n\n'));
  }

  /**
   * Reads the reply as XML wrapped in one root element (text around the tags is ignored); each
   * output field is the top-level element of its name, read by its type: text, nested `<item>`s
   * or child tags, or JSON text. Missing `Optional` outputs are null.
   * @throws {AdapterParseError} ADAPTER_PARSE when the reply is not well-formed XML, nests too deep, lacks an output, or a value does not fit.
   * @throws {OutputValidationError} OUTPUT_INVALID when a class-typed value breaks its constraints.
   */
  override parse(signature: SignatureInput, text: string): Record<string, unknown> {
    const resolved = Signature.from(signature);
    if (typeof text !== 'string') throw emptyResponseError('XMLAdapter', resolved, text);
    const document = readReply(resolved, text, this.#blocks);
    const parsed = new Map<string, unknown>();
    try {
      const elements = groupChildren(document, 0);
      // Every element takes at least 4 characters (`<a/>`): enough for each to be read a few times over.
      const budget: WorkBudget = { remaining: text.length + 10_000 };
      for (const field of resolved.outputFields) {
        const items = elements.get(field.name);
        if (items !== undefined) parsed.set(field.name, readField(field, document, items, text, budget));
      }
    } finally {
      // The values read hold no part of the document.
      document.release();
    }
    return completeOutputs('XMLAdapter', resolved, parsed, text);
  }
}

function readReply(signature: Signature, text: string, pool: XmlBlockPool): XmlDocument {
  try {
    return parseXml(text, { keepRootText: false, rootTag: ROOT_TAG, pool });
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    // Positions are given in the reply itself, not in the wrapped text.
    const { line, column } = xmlPosition(text, Math.min(Math.max(error.index - ROOT_TAG.length - 2, 0), text.length));
    const problem = error.tooDeep
      ? `LM response nests more than ${MAX_NESTING_DEPTH} levels deep.`
      : `Failed to parse XML: ${error.problem}: line ${line}, column ${column}.`;
    throw new AdapterParseError(
      describeProblem(problem, describeValue(text, 300), 'The LM must answer with well-formed XML: escape & as &amp; and < as &lt; inside the tags.'),
      {
        fields: signature.outputFields.map((field) => field.name),
        details: { adapter: 'XMLAdapter', lmResponse: text, line, column, ...(error.tooDeep ? { maxDepth: MAX_NESTING_DEPTH } : {}) },
      },
    );
  }
}

type ParseFailure = Extract<LaxResult, { ok: false }>;

/**
 * One field's value, as DSPy reads it: the elements turned into a value under the field's whole
 * schema, else under each `anyOf` member in turn, until the value parses into the field's type.
 */
function readField(field: Field, document: XmlDocument, items: ElementList, text: string, budget: WorkBudget): unknown {
  const schema = schemaOf(field.type);
  const definitions = isSchema(schema.$defs) ? schema.$defs : {};
  const choices = Array.isArray(schema.anyOf) ? schema.anyOf : [];
  // The whole schema's reading is often one member's (a union's first): that member then gives the
  // same value for the same work, so it is not read and parsed again, only charged and recorded.
  const delegated = delegatedChoice(document, items, schema, definitions);
  let wholeRead: { cost: number; failed: { value: unknown; failure: ParseFailure } | undefined } | undefined;
  const tried = new Set<string>();
  const shapes = new Set<string>();
  let failed: { value: unknown; failure: ParseFailure } | undefined;
  for (const candidate of [schema, ...choices]) {
    if (!isSchema(candidate)) continue;
    // Candidates read the same way give the same value: try each shape once.
    const shape = shapeKey(candidate, definitions);
    if (shapes.has(shape)) continue;
    shapes.add(shape);
    if (candidate === delegated && wholeRead !== undefined) {
      budget.remaining -= wholeRead.cost;
      if (budget.remaining < 0) throw workExceeded(field, text);
      // A text value was skipped as tried; any other value failed again.
      if (wholeRead.failed !== undefined) failed = wholeRead.failed;
      continue;
    }
    const before = budget.remaining;
    let value: unknown;
    try {
      value = elementsToValue(document, items, candidate, definitions, budget);
    } catch (error) {
      if (error instanceof XmlWorkExceeded) throw workExceeded(field, text);
      if (candidate === schema) wholeRead = { cost: before - budget.remaining, failed: undefined };
      continue;
    }
    // The same text parses the same way under every candidate.
    if (typeof value === 'string') {
      if (tried.has(value)) continue;
      tried.add(value);
    }
    const result = parseValue(value, field.type);
    if (result.ok) return result.value;
    if (result.problems === undefined && typeof value === 'string') {
      // DSPy's second try validates the raw value (`TypeAdapter.validate_python`).
      const direct = validateLax(value, field.type);
      if (direct.ok) return direct.value;
    }
    failed = { value, failure: result };
    if (candidate === schema) wholeRead = { cost: before - budget.remaining, failed: typeof value === 'string' ? undefined : failed };
  }
  if (failed !== undefined) throw outputFieldError('XMLAdapter', field, failed.value, failed.failure, text);
  throw new AdapterParseError(
    describeProblem(
      `Failed to parse field ${field.name} from the LM response with XMLAdapter.`,
      describeValue(text, 300),
      `Write <${field.name}> as the format shows.`,
    ),
    { fields: [field.name], details: { adapter: 'XMLAdapter', lmResponse: text } },
  );
}

function workExceeded(field: Field, text: string): AdapterParseError {
  return new AdapterParseError(
    describeProblem(
      `Reading field ${field.name} from the LM response took too many steps (elements nested and repeated past the limit).`,
      describeValue(text, 300),
      'The LM must answer with the XML structure the format shows.',
    ),
    { fields: [field.name], details: { adapter: 'XMLAdapter', lmResponse: text } },
  );
}
