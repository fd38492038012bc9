import type { FieldType } from '../signatures/field-types';
import { pythonFloatText } from '../util/python-number-text';
import { pythonStrip } from '../util/python-text';

/**
 * How DSPy writes a field's value into a prompt (`format_field_value` in `dspy/adapters/utils.py`),
 * character for character. Shared by the adapters and DummyLM, which renders answers the same way.
 */

/** A number as Python prints it: an int's digits, or a float's repr (JavaScript cannot tell `2` from `2.0`, the field type can). */
function pythonNumber(value: number, isFloat: boolean): string {
  if (Number.isInteger(value) && !isFloat) return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
  return pythonFloatText(value);
}

/** The type of the numbers at this position is float (so `2` prints `2.0`). */
function isFloatPosition(type: FieldType | undefined): boolean {
  if (type === undefined) return false;
  if (type.kind === 'float') return true;
  if (type.kind !== 'union') return false;
  return type.members.some((member) => member.kind === 'float') && !type.members.some((member) => member.kind === 'int');
}

function itemTypeOf(type: FieldType | undefined): FieldType | undefined {
  return type?.kind === 'list' ? type.item : undefined;
}

function valueTypeOf(type: FieldType | undefined): FieldType | undefined {
  return type?.kind === 'dict' ? type.value : undefined;
}

/** Resolves `toJSON()` (Example, Date, …), as pydantic's JSON dump resolves models before printing. */
function resolveJson(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const withToJson = value as { toJSON?: () => unknown };
    if (typeof withToJson.toJSON === 'function') return withToJson.toJSON();
  }
  return value;
}

/** Entries of an object-like value in insertion order, without what JSON cannot hold. */
function jsonEntries(value: object): [string, unknown][] {
  const entries = value instanceof Map ? [...value].map(([key, item]) => [String(key), item] as [string, unknown]) : Object.entries(value);
  return entries.filter(([, item]) => item !== undefined && typeof item !== 'function' && typeof item !== 'symbol');
}

/**
 * Python's `json.dumps(value, ensure_ascii=False)`, or with `indent` its indented layout, with
 * numbers printed as Python would for the field's type.
 */
export function pythonJsonForType(value: unknown, type: FieldType | undefined, indent?: number, depth = 0): string {
  const resolved = resolveJson(value);
  if (resolved === null || resolved === undefined) return 'null';
  switch (typeof resolved) {
    case 'string':
      return JSON.stringify(resolved);
    case 'boolean':
      return resolved ? 'true' : 'false';
    case 'number':
      // pydantic's JSON mode (DSPy's `serialize_for_json`) writes NaN and ±Infinity as null.
      if (!Number.isFinite(resolved)) return 'null';
      return pythonNumber(resolved, isFloatPosition(type));
    case 'bigint':
      return resolved.toString();
    case 'object':
      break;
    default:
      return JSON.stringify(String(resolved));
  }
  const isArray = Array.isArray(resolved) || resolved instanceof Set;
  const items = isArray
    ? [...(resolved as Iterable<unknown>)].map((item) => pythonJsonForType(item, itemTypeOf(type), indent, depth + 1))
    : jsonEntries(resolved).map(([key, item]) => `${JSON.stringify(key)}: ${pythonJsonForType(item, valueTypeOf(type), indent, depth + 1)}`);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return `${open}${close}`;
  if (indent === undefined) return `${open}${items.join(', ')}${close}`;
  const inner = ' '.repeat(indent * (depth + 1));
  return `${open}\n${inner}${items.join(`,\n${inner}`)}\n${' '.repeat(indent * depth)}${close}`;
}

/** DSPy's `_format_blob`: «text», or a «««-fenced, indented block when the text has a newline or guillemets. */
function formatBlob(text: string): string {
  if (!text.includes('\n') && !text.includes('«') && !text.includes('»')) return `«${text}»`;
  return `«««\n    ${text.replaceAll('\n', '\n    ')}\n»»»`;
}

/** DSPy's numbered list for a list given to a `str` field: `N/A`, `«a»`, or `[1] «a»` lines. */
function formatNumberedList(items: readonly unknown[]): string {
  if (items.length === 0) return 'N/A';
  const texts = items.map((item) => formatBlob(typeof item === 'string' ? item : formatFieldValue(item, { kind: 'any' })));
  if (texts.length === 1) return texts[0];
  return texts.map((text, index) => `[${index + 1}] ${text}`).join('\n');
}

/**
 * A field value as DSPy prints it in a prompt: a list given to a `str` field (or to a field of no
 * type) as a numbered list; objects and arrays as compact Python-style JSON; strings as they are;
 * scalars with Python's spelling (`True`, `False`, `None`, `2.0` for a float field).
 * @example
 * formatFieldValue(['a', 'b']);              // '[1] «a»\n[2] «b»'
 * formatFieldValue({ x: 1 }, { kind: 'any' }); // '{"x": 1}'
 * formatFieldValue(2, { kind: 'float' });     // '2.0'
 */
export function formatFieldValue(value: unknown, type?: FieldType): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && (type === undefined || type.kind === 'str')) return formatNumberedList(value);
  const resolved = resolveJson(value);
  switch (typeof resolved) {
    case 'string':
      return resolved;
    case 'boolean':
      return resolved ? 'True' : 'False';
    case 'number':
      // DSPy's `serialize_for_json` turns NaN and ±Infinity into None.
      return Number.isFinite(resolved) ? pythonNumber(resolved, isFloatPosition(type)) : 'None';
    case 'bigint':
      return resolved.toString();
    case 'undefined':
      return 'None';
    case 'object':
      return resolved === null ? 'None' : pythonJsonForType(resolved, type);
    default:
      return String(resolved);
  }
}

const ANY_TYPE: FieldType = Object.freeze({ kind: 'any' });

/**
 * An answer object as ChatAdapter's field blocks (`[[ ## name ## ]]\nVALUE`, blank-line separated,
 * no completed marker): what DummyLM replies with. Values are typed `Any`, as DSPy's
 * `format_field_with_value` formats them for a bare `OutputField()`, so lists come out as JSON.
 */
export function formatChatFieldsBlock(values: Readonly<Record<string, unknown>>): string {
  return pythonStrip(
    Object.keys(values)
      .map((name) => `[[ ## ${name} ## ]]\n${formatFieldValue(values[name], ANY_TYPE)}`)
      .join('\n\n'),
  );
}
