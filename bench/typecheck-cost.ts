import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';

/**
 * Compile cost of typed signatures: type-checks a file with 100 distinct literal signatures of 6
 * fields each (3 inputs, 3 outputs, varied types), calling and reading each, against the same file
 * whose signatures are `string` (loose types). Prints the median check time of each and the
 * difference (issue 12's target: under 2 s), in wall-clock time and in CPU time (this process's, which
 * other processes on a shared machine disturb less), and the type instantiations each check made
 * (a count that does not depend on the machine). Run: `npm run bench:types`.
 */
// npm scripts run at the repository root.
const ROOT = process.cwd();
const TYPES = ['str', 'int', 'float', 'bool', 'list[str]', 'dict[str, int]', "Literal['a', 'b', 'c']", 'Optional[int]', 'list[float]'];
const ROUNDS = 5;

function signatureText(index: number): string {
  const field = (prefix: string, slot: number): string => `${prefix}${index}_${slot}: ${TYPES[(index + slot) % TYPES.length]}`;
  return `${[0, 1, 2].map((slot) => field('in', slot)).join(', ')} -> ${[3, 4, 5].map((slot) => field('out', slot)).join(', ')}`;
}

function source(typed: boolean): string {
  const lines = [
    `import { Predict } from 'dspex';`,
    `export async function run(inputs: Record<string, unknown>): Promise<unknown[]> {`,
    `  const values: unknown[] = [];`,
  ];
  for (let index = 0; index < 100; index += 1) {
    const text = JSON.stringify(signatureText(index));
    lines.push(`  const p${index} = new Predict(${typed ? text : `${text} as string`});`);
    lines.push(`  const r${index} = await p${index}.forward(inputs);`);
    lines.push(`  values.push(r${index}.out${index}_3, r${index}.out${index}_4, r${index}.out${index}_5);`);
  }
  lines.push('  return values;', '}');
  return lines.join('\n');
}

function options(): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (file) => ts.sys.readFile(file));
  return { ...ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options, noEmit: true };
}

interface Check {
  wallMs: number;
  cpuMs: number;
  instantiations: number;
}

function check(file: string): Check {
  const program = ts.createProgram([file], options());
  const started = performance.now();
  const cpu = process.cpuUsage();
  const diagnostics = program.getSemanticDiagnostics(program.getSourceFile(file));
  const { user, system } = process.cpuUsage(cpu);
  const wallMs = performance.now() - started;
  if (diagnostics.length > 0) throw new Error(ts.flattenDiagnosticMessageText(diagnostics[0].messageText, '\n'));
  return { wallMs, cpuMs: (user + system) / 1000, instantiations: program.getInstantiationCount() };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export function run(): void {
  const directory = mkdtempSync(path.join(tmpdir(), 'dspex-typecheck-'));
  try {
    const typedFile = path.join(directory, 'typed.ts');
    const looseFile = path.join(directory, 'loose.ts');
    writeFileSync(typedFile, source(true));
    writeFileSync(looseFile, source(false));
    const typed: Check[] = [];
    const loose: Check[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      loose.push(check(looseFile));
      typed.push(check(typedFile));
    }
    const figure = (key: keyof Check): string => {
      const [typedValue, looseValue] = [median(typed.map((run) => run[key])), median(loose.map((run) => run[key]))];
      return `typed ${typedValue.toFixed(0)}, loose ${looseValue.toFixed(0)}, added ${(typedValue - looseValue).toFixed(0)}`;
    };
    console.log(`type-check, 100 signatures x 6 fields (median of ${ROUNDS}; load average ${loadavg()[0].toFixed(2)} on ${cpus().length} CPUs):`);
    console.log(`  wall-clock ms: ${figure('wallMs')}`);
    console.log(`  CPU ms:        ${figure('cpuMs')}`);
    console.log(`  instantiations: ${figure('instantiations')}`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

if (require.main === module) run();
