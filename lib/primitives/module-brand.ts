/**
 * Brands that let lower layers recognise modules and predictors without importing their classes
 * (STYLE §3: the higher layer registers its implementation with the lower one).
 */
export const MODULE_BRAND = Symbol.for('dspex.module');
export const PREDICTOR_BRAND = Symbol.for('dspex.predictor');

/** What `Module` needs from a predictor (`Predict`), which lives in a higher layer. */
export interface PredictorContract {
  lm: unknown;
  demos: unknown[];
  /** The predictor's own saved state (DSPy's `Predict.dump_state`). */
  dumpState(): Record<string, unknown>;
  /** Validates `state` and returns a function that applies it; throws without changing anything. */
  prepareLoadState(state: unknown, options: { allowUnsafeLmState?: boolean; name: string }): () => void;
  /** Clears demos, traces, train and the LM (DSPy's `reset`). */
  reset(): void;
}

/** Anything carrying the module brand. */
export interface BrandedModule {
  readonly [MODULE_BRAND]: true;
}

/** True for any `Module` instance, even from another copy of the package. */
export function isModule(value: unknown): value is BrandedModule {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MODULE_BRAND] === true;
}

/** True for a `Predict` (or subclass) instance. */
export function isPredictor(value: unknown): value is PredictorContract {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PREDICTOR_BRAND] === true;
}

type PredictorFactory = (signature: unknown, options: { module?: Function; config?: Record<string, unknown> }) => object;
let predictorFactory: PredictorFactory | undefined;

/** Called by lib/predict when loaded: how `Module` creates the `Predict` of an uninitialised `@Predictor`. */
export function registerPredictorFactory(factory: PredictorFactory): void {
  predictorFactory = factory;
}

/** The registered factory, if lib/predict is loaded. */
export function getPredictorFactory(): PredictorFactory | undefined {
  return predictorFactory;
}
