import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { taskDescription } from '../../lib/adapters/field-descriptions';
import { cleanInstructions } from '../../lib/signatures/clean-instructions';
import { Signature } from '../../lib/signatures/signature';

// [given, DSPy's signature.instructions, after delete() (cleandoc read again), DSPy's task description] — from generate.py.
const cases = JSON.parse(readFileSync(join(__dirname, '../fixtures/signatures/dspy-instructions.json'), 'utf8')) as [string, string, string, string][];

describe('cleanInstructions (inspect.cleandoc)', () => {
  it('expands a tab to the next multiple-of-8 column, not to 8 spaces', () => {
    expect(cleanInstructions('ab\tc\n\tx\ty')).toBe('ab      c\nx       y');
  });

  it('counts columns in code points and restarts them after \\r', () => {
    expect(cleanInstructions('😀\tx\ry\tz')).toBe('😀       x\ry       z');
  });

  it("strips Python's whitespace set: \\x1c-\\x1f and \\x85 are whitespace, \\ufeff is not", () => {
    expect(cleanInstructions('\x1c\x1d\x1e\x1f\x85 Hi')).toBe('Hi');
    expect(cleanInstructions('\ufeffHi')).toBe('\ufeffHi');
  });

  it('keeps \\r at line ends and whitespace-only last lines, as DSPy does', () => {
    expect(cleanInstructions('x\r\n  y\r\n')).toBe('x\r\ny\r');
    expect(cleanInstructions('Do this.\n   ')).toBe('Do this.\n   ');
    expect(cleanInstructions('   \nDo\n   ')).toBe('Do\n   ');
  });
});

describe('Signature instructions (DSPy golden cases)', () => {
  it.each(cases.map((entry, index) => [index, ...entry]))(
    'case %i matches DSPy in instructions, after delete(), and in the prompt',
    (_, given, instructions, afterDelete, task) => {
      const signature = Signature.parse('a -> b', given);
      expect(signature.instructions).toBe(instructions);
      expect(signature.delete('zz').instructions).toBe(afterDelete);
      expect(taskDescription(signature)).toBe(task);
    },
  );

  it('keeps loaded instructions as DSPy reads them: cleaned, and empty stays empty', () => {
    const signature = Signature.parse('a -> b');
    expect(signature.loadState({ instructions: ' x\r\n\ty', fields: [] }).instructions).toBe('x\r\ny');
    expect(signature.loadState({ instructions: '', fields: [] }).instructions).toBe('');
  });

  it('gives derived signatures the default text of their own fields when the instructions are empty', () => {
    const blank = Signature.parse('a -> b', '   ');
    expect(blank.instructions).toBe('');
    expect(blank.append('c', { kind: 'output' }).instructions).toBe('Given the fields `a`, produce the fields `b`, `c`.');
  });
});
