/**
 * Numbers as Python prints them (`str()`/`repr()`): DSPy reads JSON numbers into Python ints and
 * floats, so a number that ends up as text (a `str` field, a prompt) must read as Python's.
 */

/** Python's `repr()` of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16 (`1e-05`, `1e+16`), `-0.0`, `inf`, `nan`. */
export function pythonFloatText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  // Inside this range JavaScript also prints fixed notation with the same shortest digits.
  const text = String(value);
  return Number.isInteger(value) ? `${text}.0` : text;
}

/** Python's `str(int(text))` for decimal digits with an optional `-`: leading zeros dropped, `-0` is `0`. */
export function pythonIntText(text: string): string {
  const negative = text.startsWith('-');
  let start = negative ? 1 : 0;
  while (start < text.length - 1 && text.charCodeAt(start) === 0x30) start += 1;
  const digits = text.slice(start);
  return negative && digits !== '0' ? `-${digits}` : digits;
}

/** A number read from JSON with the text Python's `str()` gives it (`4.0` stays `4.0`; `1e16` is `1e+16`). */
export class PythonNumberText {
  constructor(readonly text: string) {}
}
