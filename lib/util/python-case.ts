/**
 * Python's `str.isupper()` and `str.capitalize()`, which DSPy's `infer_prefix` applies to field
 * names. JavaScript has no titlecase mapping, and `x === x.toUpperCase()` is not `isupper`
 * (`'2'` has no cased character; `'ß'` is lowercase but has no single-character uppercase).
 */

const UPPERCASE = /\p{Uppercase}/u;
const LOWERCASE_OR_TITLECASE = /[\p{Lowercase}\p{Lt}]/u;
const NON_ASCII = /[^\p{ASCII}]/u;

// Where titlecase differs from uppercase (Unicode 14, Python 3.11's database), besides the two ranges in `titleCase`.
const TITLE_CASE = new Map<number, string>([
  [0xdf, 'Ss'],
  [0x1c4, '\u01c5'],
  [0x1c5, '\u01c5'],
  [0x1c6, '\u01c5'],
  [0x1c7, '\u01c8'],
  [0x1c8, '\u01c8'],
  [0x1c9, '\u01c8'],
  [0x1ca, '\u01cb'],
  [0x1cb, '\u01cb'],
  [0x1cc, '\u01cb'],
  [0x1f1, '\u01f2'],
  [0x1f2, '\u01f2'],
  [0x1f3, '\u01f2'],
  [0x587, '\u0535\u0582'],
  [0x1fb2, '\u1fba\u0345'],
  [0x1fb3, '\u1fbc'],
  [0x1fb4, '\u0386\u0345'],
  [0x1fb7, '\u0391\u0342\u0345'],
  [0x1fbc, '\u1fbc'],
  [0x1fc2, '\u1fca\u0345'],
  [0x1fc3, '\u1fcc'],
  [0x1fc4, '\u0389\u0345'],
  [0x1fc7, '\u0397\u0342\u0345'],
  [0x1fcc, '\u1fcc'],
  [0x1ff2, '\u1ffa\u0345'],
  [0x1ff3, '\u1ffc'],
  [0x1ff4, '\u038f\u0345'],
  [0x1ff7, '\u03a9\u0342\u0345'],
  [0x1ffc, '\u1ffc'],
  [0xfb00, 'Ff'],
  [0xfb01, 'Fi'],
  [0xfb02, 'Fl'],
  [0xfb03, 'Ffi'],
  [0xfb04, 'Ffl'],
  [0xfb05, 'St'],
  [0xfb06, 'St'],
  [0xfb13, '\u0544\u0576'],
  [0xfb14, '\u0544\u0565'],
  [0xfb15, '\u0544\u056b'],
  [0xfb16, '\u054e\u0576'],
  [0xfb17, '\u0544\u056d'],
]);

/** One character (code point) in titlecase, as Python's `str.title()` maps it. */
function titleCase(code: number, char: string): string {
  // Georgian Mkhedruli letters are their own titlecase (their uppercase is Mtavruli).
  if (code >= 0x10d0 && code <= 0x10ff) return char;
  // Greek letters with ypogegrammeni: the titlecase form is the prosgegrammeni letter 8 code points on.
  if (code >= 0x1f80 && code <= 0x1faf) return String.fromCodePoint(code | 8);
  return TITLE_CASE.get(code) ?? char.toUpperCase();
}

/** Python's `str.isupper()`: at least one uppercase character, and no lowercase or titlecase one. */
export function pythonIsUpper(text: string): boolean {
  let cased = false;
  // ASCII first, one scan that stops at the first lowercase letter; the Unicode properties only when needed.
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code > 127) return UPPERCASE.test(text) && !LOWERCASE_OR_TITLECASE.test(text);
    if (code >= 97 && code <= 122) return false;
    if (code >= 65 && code <= 90) cased = true;
  }
  return cased;
}

/** Python's `str.capitalize()` (3.8 and later): the first character in titlecase, the rest in lowercase. */
export function pythonCapitalize(text: string): string {
  if (text === '') return text;
  if (!NON_ASCII.test(text)) return text[0].toUpperCase() + text.slice(1).toLowerCase();
  const code = text.codePointAt(0)!;
  const first = String.fromCodePoint(code);
  // The whole text is lowercased so that a final sigma sees the letters before it, as Python's `lower` does.
  return titleCase(code, first) + text.toLowerCase().slice(first.toLowerCase().length);
}
