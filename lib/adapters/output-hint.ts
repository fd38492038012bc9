import type { Field } from '../signatures/field';
import { jsonSchemaOf } from '../signatures/json-schema';
import { pythonJsonDumps } from '../util/python-format';

const HINT_INDENT = ' '.repeat(8);

function literalText(value: string | number | boolean | null): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** What the value of an output field must look like, as DSPy's `translate_field_type` words it; empty for `str`. */
function outputRule(field: Field): string {
  const type = field.type;
  switch (type.kind) {
    case 'str':
      return '';
    case 'bool':
      return 'must be True or False';
    case 'int':
    case 'float':
      return `must be a single ${type.kind} value`;
    case 'literal':
      return `must exactly match (no extra characters) one of: ${type.values.map(literalText).join('; ')}`;
    default:
      return `must adhere to the JSON schema: ${pythonJsonDumps(jsonSchemaOf(type))}`;
  }
}

/**
 * The placeholder DSPy's system message shows for a field: `{name}`, followed for non-`str`
 * outputs by 8 spaces and `# note: the value you produce …` (`translate_field_type`).
 */
export function fieldPlaceholder(field: Field): string {
  const rule = field.kind === 'input' ? '' : outputRule(field);
  return rule === '' ? `{${field.name}}` : `{${field.name}}${HINT_INDENT}# note: the value you produce ${rule}`;
}

/** The requirement line's note on a field's type: empty for `str`, else ` (must be formatted as a valid Python TYPENAME)`. */
export function typeInfo(field: Field): string {
  return field.type.kind === 'str' ? '' : ` (must be formatted as a valid Python ${field.annotation})`;
}
