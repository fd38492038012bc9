import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { resetSettings } from 'dspex';

/**
 * Docs that run: every TypeScript block in docs/ is exactly an examples/ file (named on the line
 * before it), and every example with a `main` runs here, offline.
 */
const ROOT = path.join(__dirname, '..', '..');
const DOCS = path.join(ROOT, 'docs');
const EXAMPLES = path.join(ROOT, 'examples');
const NEEDS_REDIS = /^\/\/ requires: redis-server/;
const MARKER = /<!-- example: (examples\/[\w./-]+\.ts) -->\s*$/;

function markdownFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) return markdownFiles(full);
    return entry.endsWith('.md') ? [full] : [];
  });
}

interface CodeBlock {
  file: string;
  language: string;
  code: string;
  example: string | undefined;
}

function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const opening = /^```(\w*)/.exec(lines[index]);
    if (!opening) continue;
    const end = lines.indexOf('```', index + 1);
    const previous =
      lines
        .slice(0, index)
        .reverse()
        .find((line) => line.trim() !== '') ?? '';
    blocks.push({ file, language: opening[1], code: lines.slice(index + 1, end).join('\n'), example: MARKER.exec(previous)?.[1] });
    index = end;
  }
  return blocks;
}

const PROSE_LANGUAGES = new Set(['text', 'bash', 'sh', 'json', 'console']);
const blocks = markdownFiles(DOCS).flatMap(codeBlocks);
const programBlocks = blocks.filter((block) => !PROSE_LANGUAGES.has(block.language));

describe('docs', () => {
  it('have code blocks', () => {
    expect(programBlocks.length).toBeGreaterThan(0);
  });

  it.each(programBlocks.map((block) => [`${path.relative(ROOT, block.file)} → ${block.example ?? '(no example marker)'}`, block]))(
    '%s is an example file, character for character',
    (_label, block) => {
      const { example, code, language } = block as CodeBlock;
      expect(language).toBe('ts');
      expect(example).toBeDefined();
      expect(code).toBe(readFileSync(path.join(ROOT, example!), 'utf8').replace(/\n$/, ''));
    },
  );
});

const runnable = readdirSync(EXAMPLES)
  .filter((entry) => entry.endsWith('.ts'))
  .filter((entry) => /export async function main\(/.test(readFileSync(path.join(EXAMPLES, entry), 'utf8')))
  // Examples that need a redis-server (the cluster's) are type-checked with the rest; `npm run demo:cluster` runs them.
  .filter((entry) => !NEEDS_REDIS.test(readFileSync(path.join(EXAMPLES, entry), 'utf8')));

describe('examples', () => {
  const savedEnvironment = { ...process.env };

  beforeAll(() => {
    // Examples must run offline: no real model, whatever the machine has configured.
    for (const name of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'DSPEX_LM_BASE_URL', 'DSPEX_LM_MODEL']) delete process.env[name];
  });

  afterAll(() => {
    process.env = savedEnvironment;
  });

  afterEach(() => {
    resetSettings();
    jest.restoreAllMocks();
  });

  it.each(runnable)('%s runs', async (entry) => {
    const output: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
      output.push(parts.map(String).join(' '));
    });
    const example = (await import(path.join(EXAMPLES, entry))) as { main: (options?: { offline?: boolean }) => Promise<void> };
    await example.main({ offline: true });
    expect(output.join('\n').length).toBeGreaterThan(0);
  });

  it('every example file is run here or used by one that is', () => {
    const sources = readdirSync(EXAMPLES)
      .filter((entry) => entry.endsWith('.ts'))
      .map((entry) => readFileSync(path.join(EXAMPLES, entry), 'utf8'))
      .join('\n');
    const helpers = readdirSync(EXAMPLES).filter(
      (entry) => entry.endsWith('.ts') && !runnable.includes(entry) && !NEEDS_REDIS.test(readFileSync(path.join(EXAMPLES, entry), 'utf8')),
    );
    expect(helpers.filter((entry) => !sources.includes(`'./${entry.replace(/\.ts$/, '')}'`))).toEqual([]);
  });
});

describe('the demo', () => {
  it('says it runs offline on a scripted LM and round-trips state', async () => {
    const output: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
      output.push(parts.map(String).join(' '));
    });
    const { main } = await import('../../examples/demo');
    await main({ offline: true });
    const text = output.join('\n');
    expect(text).toContain('OFFLINE on a scripted LM');
    expect(text).toContain('[[ ## question ## ]]');
    expect(text).toContain('state identical after round trip: true');
    expect(text).toContain('--- supervised runtime ---');
    expect(text).toMatch(/swapped\(moderator@2\)/);
    expect(text).toMatch(/before \d+(\.\d+)?% → after 100%/);
    expect(text).toContain('after the swap: 60 of 60 correct');
    jest.restoreAllMocks();
  });
});
