import type { OptionRules } from '../util/validate-options';
import { assertDecoratableProperty, recordMember, validateDecoratorOptions } from './class-metadata';

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

const PARAMETER_OPTION_RULES: OptionRules = {
  description: { kind: 'string', allowEmpty: true },
  requiresGrad: { kind: 'boolean' },
  learningRate: {
    kind: 'custom',
    check: (value) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? undefined : 'a finite number greater than 0'),
  },
  momentum: { kind: 'custom', check: (value) => (typeof value === 'number' && value >= 0 && value < 1 ? undefined : 'a number in [0, 1)') },
  shared: { kind: 'string' },
};

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
  validateDecoratorOptions('Parameter', options, PARAMETER_OPTION_RULES);
  return (target, propertyKey) => {
    assertDecoratableProperty('Parameter', target, propertyKey);
    recordMember(target.constructor, { name: propertyKey, kind: 'parameter', options: { ...options } });
  };
}
