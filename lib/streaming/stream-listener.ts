import { configurationError } from '../errors';
import { validateOptions, type OptionRules } from '../util/validate-options';

/** Options of `new StreamListener(…)`. */
export interface StreamListenerOptions {
  /** The output field to stream. */
  field: string;
  /**
   * The predictor whose field it is: its name in `namedPredictors()` (e.g. `'generate.predict'`), or
   * the predictor itself. Left out, the one predictor of the program with that output field.
   */
  predictor?: string | object;
  /**
   * Stream the field each time the predictor runs (a loop, a retry), not only the first time.
   * @default false
   */
  allowReuse?: boolean;
}

const RULES: OptionRules = {
  field: { kind: 'string', required: true },
  predictor: {
    kind: 'custom',
    check: (value) =>
      typeof value === 'string' || (typeof value === 'object' && value !== null) ? undefined : "a predictor name such as 'generate.predict', or the predictor",
  },
  allowReuse: { kind: 'boolean' },
};

/**
 * Picks one output field of one predictor for `streamify` to stream (DSPy's `StreamListener`).
 * Without listeners, every output field of every predictor streams.
 * @throws {ConfigurationError} CONFIGURATION_INVALID for a missing field or an unknown option.
 * @example
 * const stream = streamify(program, { listeners: [new StreamListener({ field: 'answer' })] });
 */
export class StreamListener {
  readonly field: string;
  readonly predictor: string | object | undefined;
  readonly allowReuse: boolean;

  constructor(options: StreamListenerOptions) {
    validateOptions('StreamListener', options, RULES, {
      error: configurationError,
      allowUndefined: false,
    });
    this.field = options.field;
    this.predictor = options.predictor;
    this.allowReuse = options.allowReuse === true;
  }
}
