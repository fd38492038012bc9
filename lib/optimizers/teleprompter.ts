import type { Example } from '../primitives/example';
import type { Module } from '../primitives/module';

/** What every `compile(student, options)` takes (DSPy's keyword arguments, camelCased). */
export interface CompileOptions {
  /** The examples to learn from, each with input keys set. */
  trainset: readonly Example[];
  /** Examples to score candidates on (optimizers that compare candidates; default the trainset). */
  valset?: readonly Example[];
  /** The program that runs to produce demonstrations (default a copy of the student). */
  teacher?: Module;
  /** Cancels the compile: it rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/**
 * An optimizer (DSPy's `Teleprompter`): `compile` returns a new, compiled program and leaves the
 * student untouched. It finds what to tune through `namedParameters()` / `namedPredictors()`.
 */
export interface Teleprompter {
  compile<T extends Module>(student: T, options: CompileOptions): Promise<T>;
}
