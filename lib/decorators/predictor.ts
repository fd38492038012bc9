import type { OptionRules } from '../util/validate-options';
import { assertDecoratableProperty, recordMember, validateDecoratorOptions } from './class-metadata';

/** Options of `@Predictor`. */
export interface PredictorOptions {
  /** The predictor class to create (default `Predict`), e.g. `ChainOfThought`. Called as `new module(signature, config)`. */
  module?: new (signature: never, config?: never) => object;
  /** Config handed to the created predictor (temperature, n, …). */
  config?: Record<string, unknown>;
}

const PREDICTOR_OPTION_RULES: OptionRules = { module: { kind: 'function' }, config: { kind: 'object' } };

/**
 * Marks a property of a `Module` subclass as a predictor. When the property has no initializer,
 * each instance gets its own `Predict` (or `options.module`) over `signature` on first use.
 * `signature` is a string, a `Signature`, or a `Signature` subclass.
 * @throws {DecoratorUsageError} DECORATOR_MISUSE on a static or symbol member, unknown options, or a second decorator.
 * @example
 * class QA extends Module {
 *   @Predictor('question -> answer', { module: ChainOfThought }) generate!: ChainOfThought;
 * }
 */
export function Predictor(signature?: unknown, options: PredictorOptions = {}): PropertyDecorator {
  validateDecoratorOptions('Predictor', options, PREDICTOR_OPTION_RULES);
  return (target, propertyKey) => {
    assertDecoratableProperty('Predictor', target, propertyKey);
    recordMember(target.constructor, { name: propertyKey, kind: 'predictor', options: { ...options, signature } });
  };
}
