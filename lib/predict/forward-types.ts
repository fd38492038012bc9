import type { Prediction } from '../primitives/prediction';

/** The inputs a module's `forward` takes (a typed `Predict`'s fields; `Record<string, unknown>` for a loose module). */
export type ForwardInputs<M> = M extends { forward(inputs: infer I, ...rest: never[]): unknown } ? I : Record<string, unknown>;

/** What a module's `forward` resolves with (`Prediction<O>` for a typed predictor; the bare `Prediction` when unknown). */
export type ForwardResult<M> = M extends { forward(...args: never[]): Promise<infer P> } ? P : Prediction;
