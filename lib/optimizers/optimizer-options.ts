import { OptimizerError, describeProblem, describeValue } from '../errors';
import type { CompileOptions } from './teleprompter';
import { assertExampleSet } from '../evaluate/example-set';
import type { Example } from '../primitives/example';
import { isModule } from '../primitives/module-brand';
import type { Module } from '../primitives/module';
import { validateOptions, type OptionRule, type OptionRules } from '../util/validate-options';

/** Throws an `OptimizerError` (OPTIMIZER_INVALID) with the three-part message. */
export function optimizerFail(owner: string, problem: string, received: unknown, fix: string, details: Record<string, unknown> = {}): never {
  throw new OptimizerError(describeProblem(`${owner}: ${problem}`, describeValue(received), fix), { details });
}

const invalid = (message: string, details: Record<string, unknown>): OptimizerError => new OptimizerError(message, { details });

/**
 * Checks an optimizer's options (or `compile` options) against `rules` with the one options helper:
 * unknown keys get a "did you mean", every error is OPTIMIZER_INVALID with `details.option`.
 * Returns the options as given; defaults stay with the caller.
 * @throws {OptimizerError} OPTIMIZER_INVALID.
 */
export function validateOptimizerOptions<T extends object>(owner: string, options: T | undefined, rules: OptionRules): T {
  validateOptions(owner, options, rules, { error: invalid });
  return options ?? ({} as T);
}

/** `metric(example, prediction, trace?)` → number or boolean. */
export const METRIC_RULE: OptionRule = { kind: 'function' };
/** `maxErrors`: a whole number ≥ 0 or Infinity (default 10, DSPy's `settings.max_errors`). */
export const MAX_ERRORS_RULE: OptionRule = { kind: 'integer', min: 0, allowInfinity: true };
/** Runs at once. */
export const CONCURRENCY_RULE: OptionRule = { kind: 'integer', min: 1 };
/** A whole number ≥ 0 (demo counts, seeds). */
export const COUNT_RULE: OptionRule = { kind: 'integer', min: 0 };

/** The options `compile(student, { trainset, valset?, teacher?, signal? })` takes. */
export const COMPILE_RULES: OptionRules = {
  trainset: { kind: 'any' },
  valset: { kind: 'any' },
  teacher: { kind: 'any' },
  signal: { kind: 'signal' },
};

/** Checks a trainset or valset (non-empty Examples with input keys). */
export function assertOptimizerExamples(owner: string, name: string, value: unknown): asserts value is readonly Example[] {
  assertExampleSet(owner, name, value, OptimizerError);
}

/**
 * Checks a program an optimizer will tune: a Module, not compiled (when `isUncompiledRequired`), and
 * with at least one predictor (when `arePredictorsRequired`).
 */
export function assertProgram(
  owner: string,
  name: string,
  value: unknown,
  rules: { arePredictorsRequired: boolean; isUncompiledRequired: boolean },
): asserts value is Module {
  if (!isModule(value)) optimizerFail(owner, `${name} must be a Module.`, value, `Pass your program, e.g. compile(new QA(), { trainset }).`, { option: name });
  const program = value as unknown as Module;
  if (rules.isUncompiledRequired && program.compiled) {
    optimizerFail(
      owner,
      `the ${name} is already compiled.`,
      `${program.constructor.name} with compiled === true`,
      'Pass the original, uncompiled program (or set compiled = false to tune it again).',
      { option: name },
    );
  }
  if (rules.arePredictorsRequired && program.namedPredictors().length === 0) {
    optimizerFail(
      owner,
      `the ${name} has no predictors to tune.`,
      `${program.constructor.name} with no Predict in namedPredictors()`,
      'Give the program a Predict or ChainOfThought member (decorated with @Predictor or assigned in the constructor).',
      {
        option: name,
      },
    );
  }
}

/**
 * The checks every trainset-based `compile` starts with: known option keys, a signal (not yet
 * aborted), an uncompiled student with predictors, a valid teacher when given, and a non-empty
 * trainset. Returns the caller's signal.
 * @throws {OptimizerError} OPTIMIZER_INVALID; the caller's `signal.reason` when already aborted.
 */
export function checkCompileRequest(owner: string, student: unknown, options: CompileOptions): AbortSignal | undefined {
  const { signal, teacher, trainset } = validateOptimizerOptions(`${owner}.compile`, options, COMPILE_RULES);
  signal?.throwIfAborted();
  assertProgram(owner, 'student', student, { arePredictorsRequired: true, isUncompiledRequired: true });
  if (teacher !== undefined) assertProgram(owner, 'teacher', teacher, { arePredictorsRequired: true, isUncompiledRequired: false });
  assertOptimizerExamples(owner, 'trainset', trainset);
  return signal;
}
