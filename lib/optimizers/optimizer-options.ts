import { OptimizerError, describeProblem, describeValue } from '../errors';
import type { CompileOptions } from './teleprompter';
import { assertExampleSet } from '../evaluate/example-set';
import type { Metric } from '../evaluate/metric';
import type { Example } from '../primitives/example';
import { isModule } from '../primitives/module-brand';
import type { Module } from '../primitives/module';
import { isPlainObject } from '../util/is-plain-object';

/** Throws an `OptimizerError` (OPTIMIZER_INVALID) with the three-part message. */
export function optimizerFail(owner: string, problem: string, received: unknown, fix: string, details: Record<string, unknown> = {}): never {
  throw new OptimizerError(describeProblem(`${owner}: ${problem}`, describeValue(received), fix), { details });
}

/**
 * Checks an options object: a plain object with only `allowed` keys.
 * @throws {OptimizerError} OPTIMIZER_INVALID.
 */
export function assertOptionKeys(owner: string, options: unknown, allowed: readonly string[]): void {
  const isObject: boolean = isPlainObject(options);
  if (!isObject) optimizerFail(owner, 'options must be an object.', options, `Pass new ${owner}({ … }).`);
  const unknown = Object.keys(options as object).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) optimizerFail(owner, `unknown option(s) ${unknown.join(', ')}.`, unknown.join(', '), `Use only: ${allowed.join(', ')}.`, { option: unknown[0] });
}

/** A whole-number option ≥ `min`, or its default. */
export function wholeNumberOption(owner: string, name: string, value: unknown, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && (value as number) >= min)) optimizerFail(owner, `${name} must be a whole number ≥ ${min}.`, value, `Pass e.g. { ${name}: ${Math.max(min, fallback)} }.`, { option: name });
  return value as number;
}

/** `maxErrors`: a whole number ≥ 0 or Infinity (default 10, DSPy's `settings.max_errors`). */
export function maxErrorsOption(owner: string, value: unknown): number {
  if (value === Infinity) return Infinity;
  return wholeNumberOption(owner, 'maxErrors', value, 10, 0);
}

/** An optional finite number option. */
export function numberOption(owner: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!(typeof value === 'number' && Number.isFinite(value))) optimizerFail(owner, `${name} must be a finite number.`, value, `Pass e.g. { ${name}: 1 }.`, { option: name });
  return value as number;
}

/** An optional boolean option. */
export function booleanOption(owner: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') optimizerFail(owner, `${name} must be true or false.`, value, `Pass { ${name}: ${fallback} }.`, { option: name });
  return value as boolean;
}

/** The metric option: a function, required or optional. */
export function metricOption(owner: string, value: unknown, isRequired: boolean): Metric | undefined {
  if (value === undefined && !isRequired) return undefined;
  if (typeof value !== 'function') optimizerFail(owner, 'metric must be a function (example, prediction, trace?) => number | boolean.', value, 'Pass e.g. { metric: answerExactMatch }.', { option: 'metric' });
  return value as Metric;
}

/** Checks a trainset or valset (non-empty Examples with input keys). */
export function assertOptimizerExamples(owner: string, name: string, value: unknown): asserts value is readonly Example[] {
  assertExampleSet(owner, name, value, OptimizerError);
}

/**
 * Checks a program an optimizer will tune: a Module, not compiled (when `isUncompiledRequired`), and
 * with at least one predictor (when `arePredictorsRequired`).
 */
export function assertProgram(owner: string, name: string, value: unknown, rules: { arePredictorsRequired: boolean; isUncompiledRequired: boolean }): asserts value is Module {
  if (!isModule(value)) optimizerFail(owner, `${name} must be a Module.`, value, `Pass your program, e.g. compile(new QA(), { trainset }).`, { option: name });
  const program = value as unknown as Module;
  if (rules.isUncompiledRequired && program.compiled) {
    optimizerFail(owner, `the ${name} is already compiled.`, `${program.constructor.name} with compiled === true`, 'Pass the original, uncompiled program (or set compiled = false to tune it again).', { option: name });
  }
  if (rules.arePredictorsRequired && program.namedPredictors().length === 0) {
    optimizerFail(owner, `the ${name} has no predictors to tune.`, `${program.constructor.name} with no Predict in namedPredictors()`, 'Give the program a Predict or ChainOfThought member (decorated with @Predictor or assigned in the constructor).', {
      option: name,
    });
  }
}

/** Checks the `signal` compile option. */
export function signalOption(owner: string, value: unknown): AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal)) optimizerFail(owner, 'signal must be an AbortSignal.', value, 'Pass controller.signal.', { option: 'signal' });
  return value as AbortSignal | undefined;
}

/**
 * The checks every trainset-based `compile` starts with: known option keys, a signal (not yet
 * aborted), an uncompiled student with predictors, a valid teacher when given, and a non-empty
 * trainset. Returns the caller's signal.
 * @throws {OptimizerError} OPTIMIZER_INVALID; the caller's `signal.reason` when already aborted.
 */
export function checkCompileRequest(owner: string, student: unknown, options: CompileOptions, keys: readonly string[]): AbortSignal | undefined {
  assertOptionKeys(`${owner}.compile`, options, keys);
  const signal = signalOption(owner, options.signal);
  signal?.throwIfAborted();
  assertProgram(owner, 'student', student, { arePredictorsRequired: true, isUncompiledRequired: true });
  if (options.teacher !== undefined) assertProgram(owner, 'teacher', options.teacher, { arePredictorsRequired: true, isUncompiledRequired: false });
  assertOptimizerExamples(owner, 'trainset', options.trainset);
  return signal;
}
