/**
 * True for an ASCII letter, digit or `_` (what `\w` matches without the `u` flag): the characters
 * of names, bare keys and number suffixes that the readers test one code at a time.
 */
export function isAsciiWordCode(code: number): boolean {
  const lower = code | 0x20;
  return (lower >= 0x61 && lower <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x5f;
}
