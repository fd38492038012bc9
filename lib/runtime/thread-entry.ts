import { existsSync } from 'node:fs';
import path from 'node:path';

/** What `new Worker(...)` runs for a thread-isolated instance. */
export interface ThreadEntry {
  readonly script: string;
  /** True when `script` is code (the source-tree bootstrap), not a file name. */
  readonly isEval: boolean;
}

let cached: ThreadEntry | undefined;

/**
 * The worker thread's entry: the compiled `thread-worker.js` next to this file (an installed
 * dspex, `dist/`). When dspex itself runs from its TypeScript sources (its own test suite under
 * ts-jest), there is no compiled file: a small bootstrap registers a `.ts` require hook (the
 * project's `typescript`, output cached on disk by content hash), resolves `dspex` to `lib/`,
 * and loads `thread-worker.ts`; there, module files may be TypeScript too.
 */
export function threadEntry(): ThreadEntry {
  cached ??= resolveEntry();
  return cached;
}

/** True when dspex runs from its TypeScript sources (its own tree): threads can then load `.ts` module files. */
export function isSourceTree(): boolean {
  return threadEntry().isEval;
}

function resolveEntry(): ThreadEntry {
  const compiled = path.join(__dirname, 'thread-worker.js');
  if (existsSync(compiled)) return { script: compiled, isEval: false };
  return { script: sourceBootstrap(path.join(__dirname, 'thread-worker.ts')), isEval: true };
}

function sourceBootstrap(entry: string): string {
  const typescript = require.resolve('typescript', { paths: [__dirname] });
  const settings = {
    entry,
    typescript,
    typescriptPackage: path.join(path.dirname(typescript), '..', 'package.json'),
    // In the source tree, 'dspex' is lib/ (as the test suite maps it), so a module and the thread share one copy.
    index: path.join(__dirname, '..', 'index.ts'),
  };
  // The compiler loads only on a cache miss: parsing it costs more than loading the whole library.
  return `
const settings = ${JSON.stringify(settings)};
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createHash } = require('node:crypto');
const Module = require('node:module');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'dspex' ? settings.index : resolveFilename.call(this, request, ...rest);
};
if (require.extensions['.ts'] === undefined) {
  const version = JSON.parse(fs.readFileSync(settings.typescriptPackage, 'utf8')).version;
  const cacheDir = path.join(os.tmpdir(), 'dspex-thread-source-cache');
  fs.mkdirSync(cacheDir, { recursive: true });
  let ts;
  const transpile = (source, filename) => {
    ts ??= require(settings.typescript);
    const compilerOptions = {
      module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, experimentalDecorators: true,
      emitDecoratorMetadata: true, useDefineForClassFields: false, esModuleInterop: true, resolveJsonModule: true,
    };
    return ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText;
  };
  require.extensions['.ts'] = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    const key = createHash('sha256').update(version).update(filename).update(source).digest('hex');
    const file = path.join(cacheDir, key + '.js');
    let output;
    try {
      output = fs.readFileSync(file, 'utf8');
    } catch {
      output = transpile(source, filename);
      const temporary = file + '.' + process.pid + '.' + require('node:worker_threads').threadId + '.tmp';
      fs.writeFileSync(temporary, output);
      fs.renameSync(temporary, file);
    }
    module._compile(output, filename);
  };
}
require(settings.entry);
`;
}
