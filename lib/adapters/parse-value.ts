import { MAX_NESTING_DEPTH } from '../util/nesting-depth';
import type { FieldType, LiteralValue } from '../signatures/field-types';
import { pythonRepr } from '../util/python-format';
import { parsePythonLiteral } from './python-literal';
import { NOTHING_FOUND, repairJson } from './repair-json';
import { pythonStrip } from '../util/python-text';
import { validateLax, type LaxResult } from './validate-lax';

/** Python's `repr()` of a tuple, as DSPy's Literal error message prints the allowed values. */
function tupleRepr(values: readonly LiteralValue[]): string {
  const items = values.map((value) => pythonRepr(value));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** DSPy's Literal rule: an exact match, else the text stripped of a `Literal[...]`/`str[...]` wrapper and one pair of quotes. */
function parseLiteral(value: unknown, values: readonly LiteralValue[]): LaxResult {
  if (values.includes(value as LiteralValue)) return { ok: true, value };
  if (typeof value === 'string') {
    let text = pythonStrip(value);
    if ((text.startsWith('Literal[') || text.startsWith('str[')) && text.endsWith(']')) text = text.slice(text.indexOf('[') + 1, -1);
    if (text.length > 1 && text[0] === text[text.length - 1] && (text[0] === '"' || text[0] === "'")) text = text.slice(1, -1);
    if (values.includes(text)) return { ok: true, value: text };
  }
  return { ok: false, message: `${pythonRepr(value)} is not one of ${tupleRepr(values)}` };
}

function admitsStrAndNone(type: FieldType): boolean {
  return type.kind === 'union' && type.members.some((member) => member.kind === 'str') && type.members.some((member) => member.kind === 'none');
}

/**
 * Converts a field's raw value from an LM reply to the field's type, as DSPy's `parse_value`:
 * `str` keeps the text; `Literal` matches exactly or after unwrapping; `Optional[str]` keeps the
 * text; anything else reads the text as DSPy does (`json_repair`, then `ast.literal_eval`, else the
 * text itself) and validates it in pydantic's lax mode.
 * Values that are not strings (from a JSON reply) are validated directly.
 * @returns the converted value, or why it does not fit (with `problems` for class constraints).
 */
export function parseValue(value: unknown, type: FieldType): LaxResult {
  if (type.kind === 'str') return { ok: true, value: typeof value === 'string' ? value : pythonRepr(value) };
  if (type.kind === 'literal') return parseLiteral(value, type.values);
  if (typeof value !== 'string' || admitsStrAndNone(type)) return validateLax(value, type);
  const candidate = readCandidate(value);
  if (candidate === TOO_DEEP) return { ok: false, message: `the value nests more than ${MAX_NESTING_DEPTH} levels deep` };
  return validateLax(candidate, type);
}

const TOO_DEEP = Symbol('too deep');

/** DSPy's candidate: `json_repair.loads(text)`, else (when that finds nothing) `ast.literal_eval(text)`, else the text. */
function readCandidate(text: string): unknown {
  const repaired = repairJson(text);
  if (!repaired.ok) return TOO_DEEP;
  if (repaired.value !== NOTHING_FOUND || text === '') return repaired.value;
  const literal = parsePythonLiteral(text);
  if (literal.ok) return literal.value;
  return literal.tooDeep === true ? TOO_DEEP : text;
}
