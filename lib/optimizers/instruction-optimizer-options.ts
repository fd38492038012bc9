import { OptimizerError } from '../errors';
import type { BaseLM } from '../lm/base-lm';
import type { Logger } from '../logging/logger';
import type { Module } from '../primitives/module';
import { validateOptions, type OptionRule, type OptionRules, LOGGER_RULE } from '../util/validate-options';
import type { OptimizationCost } from './optimizer-budget';
import { assertOptimizerExamples, assertProgram } from './optimizer-options';
import type { CompileOptions } from './teleprompter';

/** Options every instruction optimizer (COPRO, MIPROv2, GEPA) takes besides its own. */
export interface InstructionOptimizerRunOptions {
  /** Examples run at once while scoring a candidate (default 16). */
  concurrency?: number;
  /** A candidate's evaluation fails once this many examples have failed (default 10). */
  maxErrors?: number;
  /** A progress bar with the best score so far on a terminal (default true; pino `info` records otherwise). */
  displayProgress?: boolean;
  logger?: Logger;
}

/** Where an instruction optimizer reports its result: `compiled.optimization`. */
export interface OptimizationSummary extends OptimizationCost {
  /** The winner's score (a percentage, as `Evaluate`). */
  score: number;
}

/** A compiled program with its optimization summary attached (not saved with the program). */
export type OptimizedProgram<T extends Module, S extends OptimizationSummary> = T & { readonly optimization: S };

/** Builds the OPTIMIZER_INVALID error `validateOptions` throws. */
export const optimizerOptionError = (message: string, details: Record<string, unknown>): Error => new OptimizerError(message, { details });

/** An LM option: anything with `call()` (a BaseLM subclass). */
export const LM_RULE: OptionRule = {
  kind: 'custom',
  check: (value) => (typeof (value as BaseLM | null)?.call === 'function' ? undefined : "an LM (a BaseLM subclass, e.g. new LM('openai/gpt-4o-mini'))"),
};

/** The rules of `InstructionOptimizerRunOptions`. */
export const RUN_OPTION_RULES: OptionRules = {
  concurrency: { kind: 'integer', min: 1 },
  maxErrors: { kind: 'integer', min: 0, allowInfinity: true },
  displayProgress: { kind: 'boolean' },
  logger: LOGGER_RULE,
};

/** Checks `options` against `rules` (closed set) and returns them. @throws {OptimizerError} OPTIMIZER_INVALID. */
export function checkOptimizerOptions<T>(owner: string, options: unknown, rules: OptionRules): T {
  validateOptions(owner, options, rules, { error: optimizerOptionError, allowUndefined: false });
  return options as T;
}

/**
 * The checks an instruction optimizer's `compile` starts with: known keys, a signal (not yet
 * aborted), a student with predictors (compiled ones allowed, as instructions can be tuned on top
 * of demos, unless `isUncompiledRequired`: MIPROv2 bootstraps demos, which DSPy does only from an
 * uncompiled student), and non-empty sets.
 * @throws {OptimizerError} OPTIMIZER_INVALID; the caller's `signal.reason` when already aborted.
 */
export function checkInstructionCompile(
  owner: string,
  student: unknown,
  options: CompileOptions,
  keys: readonly string[],
  { isUncompiledRequired = false }: { isUncompiledRequired?: boolean } = {},
): AbortSignal | undefined {
  const rules: Record<string, OptionRule> = {};
  for (const key of keys) rules[key] = key === 'signal' ? { kind: 'signal' } : { kind: 'any' };
  rules.trainset = { kind: 'any', required: true };
  validateOptions(`${owner}.compile`, options, rules, { error: optimizerOptionError, allowUndefined: false });
  options.signal?.throwIfAborted();
  assertProgram(owner, 'student', student, { arePredictorsRequired: true, isUncompiledRequired });
  if (options.teacher !== undefined) assertProgram(owner, 'teacher', options.teacher, { arePredictorsRequired: true, isUncompiledRequired: false });
  assertOptimizerExamples(owner, 'trainset', options.trainset);
  if (options.valset !== undefined) assertOptimizerExamples(owner, 'valset', options.valset);
  return options.signal;
}

/** Attaches `summary` as a non-enumerable `optimization` property (deepcopy, introspection and save ignore it). */
export function attachOptimization<T extends Module, S extends OptimizationSummary>(program: T, summary: S): OptimizedProgram<T, S> {
  Object.defineProperty(program, 'optimization', { value: summary, enumerable: false, configurable: true, writable: true });
  return program as OptimizedProgram<T, S>;
}

/** Python's `str(float)` for the scores DSPy prints into prompts (`50.0`, `66.67`). */
export function pythonFloat(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}
