import { existsSync } from 'node:fs';
import path from 'node:path';
import { isPlainObject } from '../util/is-plain-object';
import type { OptionRule } from '../util/validate-options';
import { isSourceTree } from './thread-entry';

/**
 * How a thread-isolated child (`isolation: 'thread'`) builds its instance in its worker thread:
 * `new (require(module)[export])(...args)`. Closures cannot cross into a thread, so the class is
 * named by file: an absolute path to a compiled JavaScript file (CommonJS, or an ES module Node can
 * `require`) and the name of the `Module` class it exports; `args` are structured-cloned.
 * @example
 * await supervisor.startChild({ id: 'qa', isolation: 'thread', start: { module: require.resolve('./qa.js'), export: 'QA' } });
 */
export interface ThreadStart {
  /** Absolute path to a compiled JavaScript file (`.js`, `.cjs` or `.mjs`). */
  readonly module: string;
  /** The name under which the file exports the `Module` class. */
  readonly export: string;
  /** Constructor arguments (plain data: they are structured-cloned into the thread). */
  readonly args?: readonly unknown[];
}

const KEYS = new Set(['module', 'export', 'args']);

/** What is wrong with `value` as a `ThreadStart`, or undefined when it is one (and its file exists). */
export function threadStartProblem(value: unknown): string | undefined {
  const shape = "{ module: '/absolute/path/to/file.js', export: 'ClassName', args?: [...] }";
  if (!isPlainObject(value)) return shape;
  const unknownKey = Object.keys(value).find((key) => !KEYS.has(key));
  if (unknownKey !== undefined) return `${shape} (unknown key "${unknownKey}")`;
  const { module, export: name, args } = value;
  // dspex's own source tree (its tests and examples) loads TypeScript module files in threads too.
  const extension = isSourceTree() ? /\.(c|m)?[jt]s$/ : /\.(c|m)?js$/;
  if (typeof module !== 'string' || !path.isAbsolute(module) || !extension.test(module)) {
    return `${shape}: "module" must be an absolute path to a compiled .js, .cjs or .mjs file (e.g. require.resolve('./qa.js'))`;
  }
  if (!existsSync(module)) return `${shape}: "module" names a file that does not exist (compile the module first)`;
  if (typeof name !== 'string' || name.length === 0) return `${shape}: "export" must name the exported class`;
  if (args !== undefined) {
    if (!Array.isArray(args)) return `${shape}: "args" must be an array`;
    try {
      structuredClone(args);
    } catch {
      return `${shape}: "args" must be plain data that can be structured-cloned (no functions or class instances with private state)`;
    }
  }
  return undefined;
}

/** True for a valid `ThreadStart`. */
export function isThreadStart(value: unknown): value is ThreadStart {
  return threadStartProblem(value) === undefined;
}

/**
 * The option rule for a required `start` (child specs and `hotSwap` alike): a factory function, or
 * a thread start checked by `threadStartProblem`; `expected` says what to pass instead.
 */
export function startOptionRule(expected: string): OptionRule {
  return {
    kind: 'custom',
    required: true,
    check: (value) => (typeof value === 'function' ? undefined : isPlainObject(value) ? threadStartProblem(value) : expected),
  };
}
