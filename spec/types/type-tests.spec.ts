import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';

/**
 * Runs the compile-time tests in spec/types/*.types.ts: one TypeScript program over all of them,
 * with the repository's compiler options. A regression in a public generic (a mapping, a
 * `@ts-expect-error` that no longer errors) is a diagnostic here.
 */
const root = path.join(__dirname, '..', '..');

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), (file) => ts.sys.readFile(file));
  return ts.parseJsonConfigFileContent(config.config, ts.sys, root).options;
}

function diagnosticsOf(files: readonly string[]): string[] {
  const program = ts.createProgram(files, { ...compilerOptions(), noEmit: true });
  return files.flatMap((file) => {
    const source = program.getSourceFile(file);
    if (source === undefined) return [`${file}: not found`];
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((diagnostic) => {
      const { line } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `${path.relative(root, file)}:${line + 1} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
  });
}

/** A file that must fail twice: a wrong type assertion (line 5) and an unused @ts-expect-error (line 6). */
function writeBrokenFile(directory: string): string {
  const file = path.join(directory, 'broken.types.ts');
  const helper = path.join(__dirname, 'expect-type').replaceAll('\\', '/');
  writeFileSync(
    file,
    [
      `import { Predict } from 'dspex';`,
      `import { expectType, type Equal } from '${helper}';`,
      `export async function broken(): Promise<void> {`,
      `  const prediction = await new Predict('question -> answer: int').forward({ question: 'q' });`,
      `  expectType<Equal<typeof prediction.answer, string>>();`,
      `  // @ts-expect-error`,
      `  await new Predict('question -> answer').forward({ question: 'q' });`,
      `}`,
    ].join('\n'),
  );
  return file;
}

describe('type tests (spec/types/*.types.ts)', () => {
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.types.ts'))
    .map((name) => path.join(__dirname, name));
  const directory = mkdtempSync(path.join(tmpdir(), 'dspex-types-'));
  const brokenFile = writeBrokenFile(directory);
  // One program over every file keeps the run to a single type-check of lib/.
  const reported = diagnosticsOf([...files, brokenFile]);
  rmSync(directory, { recursive: true, force: true });

  it('compile without errors, every @ts-expect-error line being an error', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(reported.filter((line) => !line.includes('broken.types.ts'))).toEqual([]);
  });

  it('can fail: a wrong type assertion and an unused @ts-expect-error are reported', () => {
    const broken = reported.filter((line) => line.includes('broken.types.ts'));
    expect(broken).toHaveLength(2);
    expect(broken[0]).toMatch(/broken\.types\.ts:5 /);
    expect(broken[1]).toMatch(/broken\.types\.ts:6 Unused '@ts-expect-error'/);
  });
});
