import { InputValidationError, describeProblem, describeValue } from '../errors';
import { MAX_TIMER_MS, isDuration } from '../util/validate-options';
import type { SupervisedCallOptions } from './module-ref';

/**
 * Checks the options of `ModuleRef.forward` before the call is accepted (a bad option is not a crash).
 * @throws {InputValidationError} INPUT_INVALID naming the option.
 */
export function validateCallOptions(options: SupervisedCallOptions): SupervisedCallOptions {
  if (options === null || typeof options !== 'object') {
    throw new InputValidationError(
      describeProblem('forward options must be an object.', describeValue(options), 'Pass { signal, timeoutMs, priority } or nothing.'),
    );
  }
  const { signal, timeoutMs, priority } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InputValidationError(describeProblem('forward option "signal" must be an AbortSignal.', describeValue(signal), 'Pass controller.signal.'), {
      details: { option: 'signal' },
    });
  }
  // The hot path keeps its own checks (no options helper per call); durations follow the same rule as elsewhere.
  if (timeoutMs !== undefined && !isDuration(timeoutMs, { allowInfinity: true })) {
    throw new InputValidationError(
      describeProblem(
        `forward option "timeoutMs" must be a number of milliseconds from 1 to ${MAX_TIMER_MS}, or Infinity.`,
        describeValue(timeoutMs),
        'Pass e.g. { timeoutMs: 30000 }.',
      ),
      {
        details: { option: 'timeoutMs' },
      },
    );
  }
  if (priority !== undefined && !(typeof priority === 'number' && Number.isFinite(priority))) {
    throw new InputValidationError(
      describeProblem('forward option "priority" must be a finite number.', describeValue(priority), 'Pass e.g. { priority: 1 } (higher runs first).'),
      { details: { option: 'priority' } },
    );
  }
  return options;
}

/**
 * Checks that a call's inputs are an object of named inputs (rejected before the queue; not a crash).
 * @throws {InputValidationError} INPUT_INVALID.
 */
export function assertInputs(id: string, inputs: unknown): asserts inputs is Record<string, unknown> {
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
    throw new InputValidationError(
      describeProblem(`Child "${id}" forward takes an object of named inputs.`, describeValue(inputs), 'Call ref.forward({ question: … }).'),
      {
        details: { id },
      },
    );
  }
}
