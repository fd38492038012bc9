import type { FieldType } from '../signatures/field-types';
import { setOwnProperty } from '../util/own-property';
import { pythonStrip } from '../util/python-text';
import { formatFieldValue } from './format-field-value';
import { validateLax } from './validate-lax';
import type { XmlDocument } from './xml-tree';

/**
 * Values and schemas as nested XML, and XML elements back to values: DSPy's `XMLAdapter`
 * helpers `_value_to_xml`, `_schema_to_xml`, `_elements_to_value`, `_group_children` and
 * `_uses_nested_xml` (`dspy/adapters/xml_adapter.py`), plus ElementTree's `tostring` for the
 * markup a `str` field keeps.
 */

/** A JSON Schema object as pydantic writes it (`$defs`, `$ref`, `anyOf`, `items`, `properties`, …). */
export type Schema = Readonly<Record<string, unknown>>;

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function own(record: Schema, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** `str.replace('&', '&amp;').replace('<', '&lt;')`: what DSPy escapes in text it writes between tags. */
export function escapeXmlText(text: string): string {
  return text.includes('&') || text.includes('<') ? text.replaceAll('&', '&amp;').replaceAll('<', '&lt;') : text;
}

/** Python's `xml.sax.saxutils.quoteattr`. */
function quoteAttribute(value: string): string {
  const escaped = value
    .replaceAll('&', '&amp;')
    .replaceAll('>', '&gt;')
    .replaceAll('<', '&lt;')
    .replaceAll('\n', '&#10;')
    .replaceAll('\r', '&#13;')
    .replaceAll('\t', '&#9;');
  if (!escaped.includes('"')) return `"${escaped}"`;
  return escaped.includes("'") ? `"${escaped.replaceAll('"', '&quot;')}"` : `'${escaped}'`;
}

const IDENTIFIER = /^[\p{XID_Start}_]\p{XID_Continue}*$/u;

/** DSPy's test for a dict key usable as a tag: Python's `isidentifier()` once `-` and `.` after the first character read as `_`. */
function isTagName(name: string): boolean {
  return IDENTIFIER.test(name.slice(0, 1) + name.slice(1).replaceAll('-', '_').replaceAll('.', '_'));
}

/** The JSON data pydantic would dump for a value (`toJSON()` resolved; functions, symbols and `undefined` members dropped). */
function jsonable(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const withJson = value as { toJSON?: () => unknown };
  if (!Array.isArray(value) && typeof withJson.toJSON === 'function') return withJson.toJSON();
  return value;
}

function itemType(type: FieldType | undefined): FieldType | undefined {
  if (type?.kind === 'union') return itemType(type.members.find((member) => member.kind !== 'none'));
  return type?.kind === 'list' ? type.item : undefined;
}

function valueType(type: FieldType | undefined): FieldType | undefined {
  if (type?.kind === 'union') return valueType(type.members.find((member) => member.kind !== 'none'));
  return type?.kind === 'dict' ? type.value : undefined;
}

/**
 * A value as nested XML (DSPy's `_value_to_xml`): lists as `<item>` children, objects as one child
 * per key (`<entry key="…">` when the key is not a tag name), `null` as `<tag />`, scalars as
 * Python prints them with `&` and `<` escaped. `type` decides how numbers print (`2.0` in a float position).
 */
export function valueToXml(value: unknown, tag: string, type?: FieldType, key?: string, depth = 0): string {
  const attributes = key === undefined ? '' : ` key=${quoteAttribute(key)}`;
  const data = depth > 200 ? String(value) : jsonable(value);
  if (Array.isArray(data) || data instanceof Set) {
    const children = [...(data as Iterable<unknown>)].map((item) => valueToXml(item, 'item', itemType(type), undefined, depth + 1)).join('');
    return children === '' ? `<${tag}${attributes} />` : `<${tag}${attributes}>${children}</${tag}>`;
  }
  if (data !== null && data !== undefined && typeof data === 'object') {
    const entries = data instanceof Map ? [...data].map(([name, item]) => [String(name), item] as [string, unknown]) : Object.entries(data);
    const children = entries
      .filter(([, item]) => item !== undefined && typeof item !== 'function' && typeof item !== 'symbol')
      .map(([name, item]) =>
        isTagName(name) ? valueToXml(item, name, valueType(type), undefined, depth + 1) : valueToXml(item, 'entry', valueType(type), name, depth + 1),
      );
    return `<${tag}${attributes}>${children.join('')}</${tag}>`;
  }
  if (data === null || data === undefined) return `<${tag}${attributes} />`;
  return `<${tag}${attributes}>${escapeXmlText(formatFieldValue(data, type))}</${tag}>`;
}

/** The value DSPy nests as XML: JSON data that is an object or an array (after `toJSON()`). */
export function isNestedValue(value: unknown): boolean {
  const data = jsonable(value);
  return data !== null && typeof data === 'object';
}

/**
 * True when an output of this type is written as nested XML (DSPy's `_uses_nested_xml`):
 * `list[...]`, `dict[...]` and classes, alone or in `Optional`; bare `list`/`dict` and
 * dspex's own types (`Image`) are not.
 */
export function usesNestedXml(type: FieldType): boolean {
  let inner = type;
  if (type.kind === 'union') {
    const members = type.members.filter((member) => member.kind !== 'none');
    if (members.length === 1) inner = members[0];
  }
  if (inner.kind === 'class') return true;
  // DSPy nests `list[...]` only: tuples and sets are written as text.
  if (inner.kind === 'list') return inner.collection === undefined && (inner.item !== undefined || inner.jsonSchema !== undefined);
  if (inner.kind === 'dict') return inner.key !== undefined || inner.jsonSchema !== undefined;
  return false;
}

function definitionsOf(schema: Schema): Schema {
  const definitions = own(schema, '$defs');
  return isSchema(definitions) ? definitions : {};
}

function referenceName(schema: Schema): string | undefined {
  const ref = own(schema, '$ref');
  return typeof ref === 'string' ? ref.slice(ref.lastIndexOf('/') + 1) : undefined;
}

/** The XML outline of a schema (DSPy's `_schema_to_xml`): `<tag><item>...</item></tag>`, `<tag><name>...</name></tag>`, or `<tag>...</tag>`. */
export function schemaToXml(
  tag: string,
  schema: Schema,
  definitions: Schema = definitionsOf(schema),
  seen: ReadonlySet<string> = new Set(),
  depth = 0,
): string {
  const name = referenceName(schema);
  if (name !== undefined) {
    const target = own(definitions, name);
    if (seen.has(name) || !isSchema(target) || depth > 100) return `<${tag}>...</${tag}>`;
    return schemaToXml(tag, target, definitions, new Set([...seen, name]), depth + 1);
  }
  const choices = own(schema, 'anyOf');
  if (Array.isArray(choices) && choices.length > 0) {
    const chosen = choices.find((choice) => isSchema(choice) && choice.type !== 'null') ?? choices[0];
    return schemaToXml(tag, isSchema(chosen) ? chosen : {}, definitions, seen, depth + 1);
  }
  if (schema.type === 'array') {
    const items = own(schema, 'items');
    return `<${tag}>${schemaToXml('item', isSchema(items) ? items : {}, definitions, seen, depth + 1)}</${tag}>`;
  }
  const properties = own(schema, 'properties');
  const children = isSchema(properties)
    ? Object.entries(properties)
        .map(([child, childSchema]) => schemaToXml(child, isSchema(childSchema) ? childSchema : {}, definitions, seen, depth + 1))
        .join('')
    : '';
  return children === '' ? `<${tag}>...</${tag}>` : `<${tag}>${children}</${tag}>`;
}

/** Element numbers, in document order. */
export type ElementList = Int32Array | readonly number[];

/** Elements of one name, by name, in first-seen order. */
export type ElementGroups = ReadonlyMap<string, ElementList>;

const NO_GROUPS: ElementGroups = new Map();
const groupsByDocument = new WeakMap<XmlDocument, Map<number, ElementGroups>>();

/** A child's group: its tag, or for an `<entry>` its `key` attribute. */
function groupName(document: XmlDocument, child: number, tagId: number, entryId: number): string {
  return tagId === entryId ? (document.attributes(child).get('key') ?? 'entry') : document.tagName(tagId);
}

/**
 * Children grouped by tag (an `<entry>` by its `key` attribute), in first-seen order (DSPy's
 * `_group_children`). Counted first, so each group is one array of its final size: a list of
 * 125,000 items is not pushed into a growing array (each growth a fresh copy). A run of one tag
 * (a list's items) is followed by tag numbers, with no name looked up per child.
 */
export function groupChildren(document: XmlDocument, element: number): ElementGroups {
  if (!document.hasChildren(element)) return NO_GROUPS;
  // Cached: each candidate schema of a field walks the same elements again.
  let cache = groupsByDocument.get(document);
  if (cache === undefined) groupsByDocument.set(document, (cache = new Map()));
  const cached = cache.get(element);
  if (cached !== undefined) return cached;
  const end = document.end(element);
  const entryId = document.tagIdOf('entry');
  const counts = new Map<string, number>();
  let name: string | undefined;
  let nameId = -1;
  let run = 0;
  for (let child = element + 1; child < end; child = document.end(child)) {
    const id = document.tagId(child);
    if (id !== nameId || id === entryId) {
      const next = groupName(document, child, id, entryId);
      if (next !== name) {
        if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + run);
        name = next;
        run = 0;
      }
      nameId = id;
    }
    run += 1;
  }
  if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + run);
  const groups = new Map<string, Int32Array>();
  const filled = new Map<string, number>();
  for (const [group, count] of counts) {
    groups.set(group, document.newList(count));
    filled.set(group, 0);
  }
  name = undefined;
  nameId = -1;
  let group: Int32Array = new Int32Array(0);
  let at = 0;
  for (let child = element + 1; child < end; child = document.end(child)) {
    const id = document.tagId(child);
    if (id !== nameId || id === entryId) {
      const next = groupName(document, child, id, entryId);
      if (next !== name) {
        if (name !== undefined) filled.set(name, at);
        name = next;
        group = groups.get(next)!;
        at = filled.get(next)!;
      }
      nameId = id;
    }
    group[at] = child;
    at += 1;
  }
  cache.set(element, groups);
  return groups;
}

const shapeKeys = new WeakMap<Schema, string>();

/**
 * A key equal for two schemas that `elementsToValue` reads the same way (it looks only at `$ref`,
 * `anyOf`, `type`, `items`, `properties` and `additionalProperties`), so a field's candidate
 * schemas that would give the same value are tried once: a union of 2,000 dict types costs one walk.
 */
export function shapeKey(schema: Schema, definitions: Schema, depth = 0): string {
  const cached = shapeKeys.get(schema);
  if (cached !== undefined) return cached;
  if (depth > 20) return '?';
  const name = referenceName(schema);
  const target = name === undefined ? undefined : own(definitions, name);
  const resolved = isSchema(target) ? target : schema;
  const part = (value: unknown): string => (isSchema(value) ? shapeKey(value, definitions, depth + 1) : '-');
  const choices = own(resolved, 'anyOf');
  const properties = own(resolved, 'properties');
  const type = own(resolved, 'type');
  const key = JSON.stringify([
    typeof type === 'string' ? type : null,
    Array.isArray(choices) ? choices.map((choice) => (isNullSchema(choice) ? 'null' : part(choice))) : null,
    part(own(resolved, 'items')),
    isSchema(properties) ? Object.entries(properties).map(([property, value]) => [property, part(value)]) : null,
    part(own(resolved, 'additionalProperties')),
  ]);
  if (depth === 0 || name === undefined) shapeKeys.set(schema, key);
  return key;
}

/** Thrown when turning elements into a value goes past its work budget (a reply built to make it slow). */
export class XmlWorkExceeded extends Error {}

/** Counts the elements visited while reading values, across all candidate schemas of one field. */
export interface WorkBudget {
  remaining: number;
}

function isNullSchema(schema: unknown): boolean {
  return isSchema(schema) && Object.keys(schema).length === 1 && schema.type === 'null';
}

function resolveReference(given: Schema, definitions: Schema): Schema {
  const name = referenceName(given);
  const target = name === undefined ? undefined : own(definitions, name);
  return isSchema(target) ? target : given;
}

/**
 * The `anyOf` member DSPy reads an element under: none (null) for an empty element when `None`
 * is allowed, else the first member that is not `None`, or for an element with children the
 * first that is not a string. Undefined when there is no member to read under.
 */
function anyOfChoice(document: XmlDocument, first: number, choices: readonly unknown[]): Schema | null | undefined {
  if (choices.some(isNullSchema) && !document.hasChildren(first) && pythonStrip(document.text(first)) === '') return null;
  const nonNull = choices.filter((choice) => !(isSchema(choice) && choice.type === 'null'));
  if (nonNull.length === 0 || !isSchema(nonNull[0])) return undefined;
  if (document.hasChildren(first)) {
    const structured = nonNull.find((choice) => isSchema(choice) && choice.type !== 'string');
    if (isSchema(structured)) return structured;
  }
  return nonNull[0];
}

/**
 * The `anyOf` member that reading `elements` under `schema` hands over to unchanged, if any: read
 * under that member alone (it has no reference or choices of its own to resolve), the elements
 * give an equal value for the same work, so a field's candidates need not read them twice.
 */
export function delegatedChoice(document: XmlDocument, elements: ElementList, given: Schema, definitions: Schema): Schema | undefined {
  const choices = own(resolveReference(given, definitions), 'anyOf');
  if (!Array.isArray(choices)) return undefined;
  const chosen = anyOfChoice(document, elements[0], choices);
  if (chosen === null || chosen === undefined || referenceName(chosen) !== undefined || Array.isArray(own(chosen, 'anyOf'))) return undefined;
  return chosen;
}

/** DSPy's `_elements_to_value`: the elements of one name read as the value the schema describes. */
export function elementsToValue(document: XmlDocument, elements: ElementList, given: Schema, definitions: Schema, budget: WorkBudget): unknown {
  budget.remaining -= elements.length;
  if (budget.remaining < 0) throw new XmlWorkExceeded();
  let schema = resolveReference(given, definitions);
  const first = elements[0];
  const choices = own(schema, 'anyOf');
  if (Array.isArray(choices)) {
    const chosen = anyOfChoice(document, first, choices);
    if (chosen === null) return null;
    if (chosen === undefined) throw new TypeError('no non-null choice in anyOf');
    schema = chosen;
  }
  if (schema.type === 'array') return arrayValue(document, elements, schema, definitions, budget);
  const element = first;
  if (schema.type === 'string' && document.hasChildren(element)) return serializeContent(document, element);
  const children = groupChildren(document, element);
  if (children.size === 0) {
    if (schema.type === 'object' && pythonStrip(document.text(element)) === '') return {};
    const type = leafTypeOf(schema);
    const values = mapElements(elements, (each) => leafValue(pythonStrip(document.text(each)), type));
    return values.length === 1 ? values[0] : values;
  }
  const properties = own(schema, 'properties');
  const additional = own(schema, 'additionalProperties');
  const childSchema = isSchema(additional) ? additional : {};
  const result: Record<string, unknown> = {};
  for (const [child, items] of children) {
    const property = isSchema(properties) ? own(properties, child) : undefined;
    setOwnProperty(result, child, elementsToValue(document, items, isSchema(property) ? property : childSchema, definitions, budget));
  }
  return result;
}

/** `elements.map(read)` into an array made at its final size (an `Int32Array`'s own `map` would keep numbers only). */
function mapElements(elements: ElementList, read: (element: number) => unknown): unknown[] {
  const values: unknown[] = new Array<unknown>(elements.length);
  for (let index = 0; index < elements.length; index += 1) values[index] = read(elements[index]);
  return values;
}

function isShortDigitRun(text: string): boolean {
  if (text.length === 0 || text.length > 15) return false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

const LEAF_TYPES: Readonly<Record<string, FieldType>> = { integer: { kind: 'int' }, number: { kind: 'float' }, boolean: { kind: 'bool' } };

/** The type a leaf's text converts to under `schema` (found once for all the leaves read under it). */
function leafTypeOf(schema: Schema): FieldType | undefined {
  return typeof schema.type === 'string' && Object.hasOwn(LEAF_TYPES, schema.type) ? LEAF_TYPES[schema.type] : undefined;
}

/**
 * A leaf's text converted to its schema's number or boolean type where pydantic's lax mode would
 * convert it (`" 4 "` → 4); otherwise the text. The value parser converts top-level values the
 * same way; class properties are only checked by class-validator, so they need it here.
 */
function leafValue(text: string, type: FieldType | undefined): unknown {
  if (type === undefined) return text;
  // A few plain digits (a list of numbers' usual item) convert as lax validation converts them, without its result object.
  if (type.kind === 'int' && isShortDigitRun(text)) return parseInt(text, 10);
  const converted = validateLax(text, type);
  return converted.ok ? converted.value : text;
}

function arrayValue(document: XmlDocument, elements: ElementList, schema: Schema, definitions: Schema, budget: WorkBudget): unknown {
  let members = elements;
  if (elements.length === 1 && !document.hasChildren(elements[0])) {
    const text = pythonStrip(document.text(elements[0]));
    // An empty element is an empty list; JSON text is left for the value parser.
    if (text === '') return [];
    if (text.startsWith('[')) return text;
  }
  if (elements.length === 1) {
    const items = groupChildren(document, elements[0]).get('item');
    if (items !== undefined) members = items;
  }
  const items = own(schema, 'items');
  const itemSchema = isSchema(items) ? items : {};
  // Items without children under a schema with no choices (a list of numbers or strings) are read
  // as leaves here, one step of work each, as `elementsToValue` would read them.
  const leafSchema = resolveReference(itemSchema, definitions);
  const readsLeaves = !Array.isArray(own(leafSchema, 'anyOf')) && leafSchema.type !== 'array';
  const type = leafTypeOf(leafSchema);
  return mapElements(members, (member) => {
    if (!readsLeaves || document.hasChildren(member)) return elementsToValue(document, [member], itemSchema, definitions, budget);
    budget.remaining -= 1;
    if (budget.remaining < 0) throw new XmlWorkExceeded();
    const text = pythonStrip(document.text(member));
    return leafSchema.type === 'object' && text === '' ? {} : leafValue(text, type);
  });
}

// ElementTree's `tostring`: the prefixes it gives well-known namespaces.
const WELL_KNOWN_PREFIXES: Readonly<Record<string, string>> = {
  'http://www.w3.org/XML/1998/namespace': 'xml',
  'http://www.w3.org/1999/xhtml': 'html',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://schemas.xmlsoap.org/wsdl/': 'wsdl',
  'http://www.w3.org/2001/XMLSchema': 'xs',
  'http://www.w3.org/2001/XMLSchema-instance': 'xsi',
  'http://purl.org/dc/elements/1.1/': 'dc',
};

function escapeCdata(text: string): string {
  return /[&<>]/.test(text) ? text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;') : text;
}

function escapeAttribute(text: string): string {
  return escapeCdata(text).replaceAll('"', '&quot;').replaceAll('\r', '&#13;').replaceAll('\n', '&#10;').replaceAll('\t', '&#09;');
}

/** ElementTree's namespace prefixes for a subtree: `ns0`, `ns1`, … in document order, well-known ones by name. */
function namespacePrefixes(document: XmlDocument, root: number): { qnames: Map<string, string>; declared: Map<string, string> } {
  const qnames = new Map<string, string>();
  const declared = new Map<string, string>();
  const add = (name: string): void => {
    if (qnames.has(name)) return;
    if (!name.startsWith('{')) {
      qnames.set(name, name);
      return;
    }
    const close = name.lastIndexOf('}');
    const uri = name.slice(1, close);
    let prefix = declared.get(uri) ?? WELL_KNOWN_PREFIXES[uri];
    if (prefix === undefined) prefix = `ns${declared.size}`;
    if (prefix !== 'xml') declared.set(uri, prefix);
    qnames.set(name, `${prefix}:${name.slice(close + 1)}`);
  };
  // Elements are numbered in document order, so a subtree is the run up to its root's end.
  for (let element = root; element < document.end(root); element += 1) {
    add(document.tag(element));
    for (const key of document.attributes(element).keys()) add(key);
  }
  return { qnames, declared };
}

/** True when a name in the subtree is namespaced (`{uri}local`), so prefixes must be worked out. */
function hasNamespacedName(document: XmlDocument, root: number): boolean {
  for (let element = root; element < document.end(root); element += 1) {
    if (document.tag(element).charCodeAt(0) === 123) return true;
    for (const key of document.attributes(element).keys()) if (key.charCodeAt(0) === 123) return true;
  }
  return false;
}

const NO_PREFIXES = { qnames: new Map<string, string>(), declared: new Map<string, string>() };

/**
 * An element's text followed by each child as `tostring` writes it, joined once: a run of bare
 * leaves like `<a/>` (the usual filler) is written from one string with one `repeat`.
 */
function serializeContent(document: XmlDocument, element: number): string {
  const parts: string[] = [document.text(element)];
  const end = document.end(element);
  for (let child = element + 1; child < end;) {
    const tag = document.tag(child);
    const run = tag.charCodeAt(0) === 123 ? 0 : document.bareLeafRun(child, end);
    if (run > 0) {
      parts.push(`<${tag} />`.repeat(run));
      child += run;
    } else {
      parts.push(serializeElement(document, child));
      child = document.end(child);
    }
  }
  return parts.join('');
}

/** ElementTree's `tostring(element, encoding='unicode')`: the element, its subtree and its tail. */
export function serializeElement(document: XmlDocument, element: number): string {
  if (!document.hasChildren(element) && !document.hasAttributes(element) && document.tag(element).charCodeAt(0) !== 123) {
    // A leaf without attributes (most of them): no namespaces to work out, nothing to queue.
    const tag = document.tag(element);
    const text = document.text(element);
    const tail = document.tail(element) === '' ? '' : escapeCdata(document.tail(element));
    return text === '' ? `<${tag} />${tail}` : `<${tag}>${escapeCdata(text)}</${tag}>${tail}`;
  }
  const { qnames, declared } = hasNamespacedName(document, element) ? namespacePrefixes(document, element) : NO_PREFIXES;
  const parts: string[] = [];
  const declarations = [...declared]
    .sort(([, left], [, right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([uri, prefix]) => ` xmlns:${prefix}="${escapeAttribute(uri)}"`)
    .join('');
  // Iterative, so a deep subtree costs no stack: open tags are written, closing work is queued.
  const work: (number | string)[] = [element];
  let first = true;
  while (work.length > 0) {
    const next = work.pop()!;
    if (typeof next === 'string') {
      parts.push(next);
      continue;
    }
    const tag = qnames.get(document.tag(next)) ?? document.tag(next);
    let open = `<${tag}${first ? declarations : ''}`;
    first = false;
    for (const [key, value] of document.attributes(next)) open += ` ${qnames.get(key) ?? key}="${escapeAttribute(value)}"`;
    const tail = document.tail(next) === '' ? '' : escapeCdata(document.tail(next));
    const text = document.text(next);
    if (text === '' && !document.hasChildren(next)) {
      parts.push(`${open} />${tail}`);
      continue;
    }
    parts.push(`${open}>${escapeCdata(text)}`);
    work.push(`</${tag}>${tail}`);
    const children: number[] = [];
    const end = document.end(next);
    for (let child = next + 1; child < end; child = document.end(child)) children.push(child);
    for (let index = children.length - 1; index >= 0; index -= 1) work.push(children[index]);
  }
  return parts.join('');
}
