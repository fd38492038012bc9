import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The README's TypeScript is an examples/ file too (so it compiles and spec/docs/examples.spec.ts runs it). */
const ROOT = path.join(__dirname, '..', '..');
const lines = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');

function typeScriptBlocks(): { marker: string; code: string }[] {
  const blocks: { marker: string; code: string }[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    if (lines[index] !== '```ts') continue;
    const end = lines.indexOf('```', index + 1);
    const marker =
      lines
        .slice(0, index)
        .reverse()
        .find((line) => line.trim() !== '') ?? '';
    blocks.push({ marker, code: lines.slice(index + 1, end).join('\n') });
    index = end;
  }
  return blocks;
}

describe('README', () => {
  const blocks = typeScriptBlocks();

  it('has a TypeScript example', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((block) => [block.marker, block]))('block after %s is that example file, character for character', (_marker, block) => {
    const { marker, code } = block as { marker: string; code: string };
    const example = /^<!-- example: (examples\/[\w./-]+\.ts) -->$/.exec(marker)?.[1];
    expect(example).toBeDefined();
    expect(code).toBe(readFileSync(path.join(ROOT, example!), 'utf8').replace(/\n$/, ''));
  });

  it('has no other code blocks that a reader would copy as TypeScript', () => {
    expect(lines.filter((line) => /^```(typescript|js|javascript)$/.test(line))).toEqual([]);
  });
});
