import { Prediction } from '../primitives/prediction';

/** A `Prediction` as plain data, to cross a process or thread boundary: its fields and its completions. */
export interface EncodedPrediction {
  readonly fields: Record<string, unknown>;
  readonly completions?: Record<string, unknown>[];
}

/** The fields and completions of `prediction`, as plain data. */
export function encodePrediction(prediction: Prediction): EncodedPrediction {
  const completions = prediction.completions?.toArray();
  return { fields: prediction.toJSON(), ...(completions !== undefined ? { completions: completions.map((entry) => ({ ...entry })) } : {}) };
}

/** Rebuilds a `Prediction` (with its completions) from `encodePrediction`'s data. */
export function decodePrediction(encoded: EncodedPrediction): Prediction {
  if (encoded.completions === undefined) return new Prediction(encoded.fields);
  return new Prediction(Prediction.fromCompletions(encoded.completions), encoded.fields);
}
