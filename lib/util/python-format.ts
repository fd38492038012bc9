/**
 * Python's spellings of JSON-like data, which DSPy's prompts use (`json.dumps` separators,
 * `repr()` of strings, `True`/`False`/`None`). Prompts must match DSPy character for character.
 */

/** Python `repr()` of a string: single quotes unless the text holds `'` and no `"`. */
export function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let body = '';
  for (const char of text) {
    if (char === '\\') body += '\\\\';
    else if (char === quote) body += `\\${quote}`;
    else if (char === '\n') body += '\\n';
    else if (char === '\r') body += '\\r';
    else if (char === '\t') body += '\\t';
    else body += char;
  }
  return `${quote}${body}${quote}`;
}

/** Python `repr()` of a scalar or of nested lists/dicts (`{'type': 'string'}`, `True`, `None`). */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return pythonStringRepr(value);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => `${pythonStringRepr(key)}: ${pythonRepr(item)}`);
    return `{${entries.join(', ')}}`;
  }
  return String(value);
}

function toJsonData(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value !== null && typeof value === 'object') {
    const withToJson = value as { toJSON?: () => unknown };
    if (typeof withToJson.toJSON === 'function' && !Array.isArray(value)) return toJsonData(withToJson.toJSON());
  }
  return value;
}

/**
 * Python's `json.dumps(value, ensure_ascii=False)` (separators `", "` and `": "`), or with
 * `indent` its indented layout (`",\n"` between items). Non-ASCII text is kept as-is.
 */
export function pythonJsonDumps(value: unknown, indent?: number): string {
  return dump(toJsonData(value), indent, 0);
}

function dump(value: unknown, indent: number | undefined, depth: number): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const items: string[] = [];
  const isArray = Array.isArray(value);
  if (isArray) {
    for (const item of value as unknown[]) items.push(dump(toJsonData(item), indent, depth + 1));
  } else if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item === undefined || typeof item === 'function') continue;
      items.push(`${JSON.stringify(key)}: ${dump(toJsonData(item), indent, depth + 1)}`);
    }
  } else {
    return JSON.stringify(String(value));
  }
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return `${open}${close}`;
  if (indent === undefined) return `${open}${items.join(', ')}${close}`;
  const inner = ' '.repeat(indent * (depth + 1));
  const outer = ' '.repeat(indent * depth);
  return `${open}\n${inner}${items.join(`,\n${inner}`)}\n${outer}${close}`;
}
