import { PythonNumberText } from '../util/python-number-text';
import { pythonRepr, pythonStringRepr } from '../util/python-format';

/** Python's `repr()` of a value read with `repairJson(…, { numberText: true })`: numbers keep Python's text. */
function reprOf(value: unknown): string {
  if (value instanceof PythonNumberText) return value.text;
  if (typeof value === 'string') return pythonStringRepr(value);
  if (Array.isArray(value)) return `[${value.map(reprOf).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => `${pythonStringRepr(key)}: ${reprOf(item)}`);
    return `{${entries.join(', ')}}`;
  }
  return pythonRepr(value);
}

/**
 * Python's `str()` of a JSON value, as DSPy's `parse_value` turns a non-string into a `str` field's
 * text: a string as it is, `4.0` as `4.0`, `True`, `None`, `[1, 'a']`, `{'k': 1.5}`.
 */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : reprOf(value);
}
