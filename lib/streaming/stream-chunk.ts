/**
 * A piece of one output field as the LM writes it (DSPy's `StreamResponse`): which predictor
 * (its name in `namedPredictors()`, `'self'` for a bare `Predict`), which field, the text, and
 * whether it is the field's last piece (that piece may be empty).
 */
export class StreamChunk {
  constructor(
    readonly predictor: string,
    readonly field: string,
    readonly chunk: string,
    readonly isLast: boolean,
  ) {}
}
