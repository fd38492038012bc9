import { DecoratorUsageError, describeProblem, describeValue } from '../errors';
import { assertDecoratableProperty, assertKnownOptions, recordMember } from './class-metadata';

/** Options of `@Parameter`. Constraints come from class-validator decorators on the same property. */
export interface ParameterOptions {
  /** What the parameter controls, for people and for optimizers' logs. */
  description?: string;
  /** Whether optimizers may tune it (default true). */
  requiresGrad?: boolean;
  /** Step size of `applyGradient` (default 0.01). */
  learningRate?: number;
  /** Momentum of `applyGradient`, in [0, 1) (default 0). */
  momentum?: number;
  /** Binds the parameter to this key of a `ParameterStore`, shared by every module that names it. */
  shared?: string;
}

const PARAMETER_OPTION_KEYS = ['description', 'requiresGrad', 'learningRate', 'momentum', 'shared'] as const;

function invalidOption(option: string, value: unknown, fix: string): DecoratorUsageError {
  return new DecoratorUsageError(describeProblem(`@Parameter option "${option}" is invalid.`, describeValue(value), fix), {
    details: { decorator: 'Parameter', option },
  });
}

function validateParameterOptions(options: ParameterOptions): void {
  const { description, requiresGrad, learningRate, momentum, shared } = options;
  if (description !== undefined && typeof description !== 'string') throw invalidOption('description', description, 'Pass a string.');
  if (requiresGrad !== undefined && typeof requiresGrad !== 'boolean') throw invalidOption('requiresGrad', requiresGrad, 'Pass true or false.');
  if (learningRate !== undefined && !(typeof learningRate === 'number' && Number.isFinite(learningRate) && learningRate > 0)) {
    throw invalidOption('learningRate', learningRate, 'Pass a finite number greater than 0.');
  }
  if (momentum !== undefined && !(typeof momentum === 'number' && momentum >= 0 && momentum < 1)) {
    throw invalidOption('momentum', momentum, 'Pass a number in [0, 1).');
  }
  if (shared !== undefined && !(typeof shared === 'string' && shared.length > 0)) throw invalidOption('shared', shared, 'Pass a non-empty key string.');
}

/**
 * Marks a property of a `Module` subclass as a tracked scalar parameter (number, string, boolean,
 * array or object). Assignments are validated against class-validator decorators on the same
 * property; each parameter keeps its last 100 updates.
 * @throws {DecoratorUsageError} DECORATOR_MISUSE on a static or symbol member, unknown options, or a second decorator.
 * @example
 * class Retriever extends Module {
 *   @Parameter({ description: 'passages to fetch' }) @Min(1) @Max(20) k = 3;
 * }
 */
export function Parameter(options: ParameterOptions = {}): PropertyDecorator {
  assertKnownOptions('Parameter', options, PARAMETER_OPTION_KEYS);
  validateParameterOptions(options);
  return (target, propertyKey) => {
    assertDecoratableProperty('Parameter', target, propertyKey);
    recordMember(target.constructor, { name: propertyKey, kind: 'parameter', options: { ...options } });
  };
}
