import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inferPrefix } from '../../lib/signatures/infer-prefix';

// [name, DSPy's infer_prefix(name)] — ASCII and Unicode letters, Unicode digits, underscores; from generate.py.
const cases = JSON.parse(readFileSync(join(__dirname, '../fixtures/signatures/dspy-infer-prefix.json'), 'utf8')) as [string, string][];

describe('inferPrefix', () => {
  it.each([
    ['question', 'Question'],
    ['reasoning_steps', 'Reasoning Steps'],
    ['htmlText', 'Html Text'],
    ['text2number', 'Text 2 Number'],
    ['HTMLParser', 'HTML Parser'],
    ['a_Bc', 'A  Bc'],
    ['aBcD_eFG', 'A Bc D E FG'],
    ['xHTMLx', 'X HTM Lx'],
    ['_1a', ' 1 A'],
    ['ABC_abc_Abc_ABc', 'ABC Abc  Abc A Bc'],
    ['9lives', '9 Lives'],
  ])('writes %p as %p', (name, prefix) => {
    expect(inferPrefix(name)).toBe(prefix);
  });

  it("follows Python's title()/isupper(): ß titlecases to Ss, ǆ to ǅ, a word with ß is not upper", () => {
    expect(inferPrefix('ßtraße')).toBe('Sstraße');
    expect(inferPrefix('ǆx')).toBe('ǅx');
    expect(inferPrefix('straßE')).toBe('Straße');
    expect(inferPrefix('ΑΣ')).toBe('ΑΣ');
  });

  it('capitalises a 1 MB name of lowercase letters, and lowercases the rest of a word after its first capital', () => {
    const long = 'a'.repeat(1_000_000);
    expect(inferPrefix(long)).toBe(`A${long.slice(1)}`);
    expect(inferPrefix(`${long}Bc`)).toBe(`A${long.slice(1)} Bc`);
    expect(inferPrefix(`Ab${'C'.repeat(5)}d`)).toBe(`Ab CCCC Cd`);
  });

  it("splits at Unicode decimal digits as Python's \\d does", () => {
    expect(inferPrefix('x٣y')).toBe('X ٣ Y');
  });

  it(`matches DSPy on ${cases.length} generated names`, () => {
    const mismatches = cases.filter(([name, prefix]) => inferPrefix(name) !== prefix);
    expect(mismatches).toEqual([]);
  });
});
