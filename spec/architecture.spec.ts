import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Layers point one way (STYLE §3): a file may value-import only from its own folder or from the
 * folders listed for it. `import type` may point anywhere. No value-import cycles.
 */
const LIB = path.join(__dirname, '..', 'lib');
const BASE = ['util', 'errors', 'logging', 'version', 'tracing'];
const ALLOWED: Record<string, string[]> = {
  // errors is the lowest layer (it imports nothing), so util helpers such as SeededRandom can throw typed errors.
  util: ['util', 'errors'],
  errors: [],
  logging: ['util', 'errors'],
  version: [],
  // OpenTelemetry spans: settings wraps observed calls in them, runtime its supervised calls.
  tracing: ['util', 'errors', 'logging', 'version'],
  decorators: BASE,
  signatures: [...BASE, 'decorators'],
  primitives: [...BASE, 'decorators', 'signatures'],
  adapters: [...BASE, 'decorators', 'signatures', 'primitives'],
  // DummyLM renders answers with the adapters' field formatting (DSPy's dummies import dspy.adapters too).
  lm: [...BASE, 'decorators', 'signatures', 'primitives', 'adapters'],
  settings: [...BASE, 'decorators', 'signatures', 'primitives', 'adapters', 'lm'],
  // streamify reads the settings (adapter, callbacks) and feeds the LM's stream sink; predict does not know it.
  streaming: [...BASE, 'decorators', 'signatures', 'primitives', 'adapters', 'lm', 'settings'],
  predict: [...BASE, 'decorators', 'signatures', 'primitives', 'adapters', 'lm', 'settings'],
  evaluate: [...BASE, 'decorators', 'signatures', 'primitives', 'adapters', 'lm', 'settings', 'predict'],
  optimizers: [...BASE, 'decorators', 'signatures', 'primitives', 'adapters', 'lm', 'settings', 'predict', 'evaluate', 'runtime'],
  runtime: [...BASE, 'decorators', 'signatures', 'primitives'],
};

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return entry.endsWith('.ts') ? [full] : [];
  });
}

function layerOf(file: string): string {
  const relative = path.relative(LIB, file).split(path.sep);
  return relative.length === 1 ? relative[0].replace(/\.ts$/, '') : relative[0];
}

/** Relative value imports of a file (type-only imports and re-exports of types skipped). */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const targets: string[] = [];
  const pattern = /^(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.[^'"]+)['"]/gm;
  for (const match of text.matchAll(pattern)) {
    if (match[1] !== undefined) continue;
    const clause = match[0];
    // `import { type A, type B } from` is type-only too.
    const names = /\{([^}]*)\}/.exec(clause)?.[1];
    if (names !== undefined && names.split(',').every((name) => name.trim() === '' || name.trim().startsWith('type '))) continue;
    const resolved = path.resolve(path.dirname(file), match[2]);
    targets.push(statSafe(`${resolved}.ts`) ? `${resolved}.ts` : path.join(resolved, 'index.ts'));
  }
  return targets;
}

function statSafe(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

const files = sourceFiles(LIB);
const graph = new Map(files.map((file) => [file, valueImports(file)]));

describe('architecture', () => {
  it('has no upward value import between layers', () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      if (from === 'index') continue;
      for (const target of targets) {
        const to = layerOf(target);
        if (to !== from && !(ALLOWED[from] ?? []).includes(to)) violations.push(`${path.relative(LIB, file)} → ${path.relative(LIB, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('knows the layer of every folder', () => {
    const unknown = [...new Set(files.map(layerOf))].filter((layer) => layer !== 'index' && !(layer in ALLOWED));
    expect(unknown).toEqual([]);
  });

  it('has no value-import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'visiting');
      stack.push(file);
      for (const target of graph.get(file) ?? []) {
        if (state.get(target) === 'visiting')
          cycles.push(
            stack
              .slice(stack.indexOf(target))
              .concat(target)
              .map((entry) => path.relative(LIB, entry))
              .join(' → '),
          );
        else if (!state.has(target)) visit(target);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('never calls console in lib/', () => {
    const offenders = files.filter((file) => /\bconsole\.(log|warn|error|info|debug)\(/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((file) => path.relative(LIB, file))).toEqual([]);
  });
});
