export { Predict } from './predict';
export type { PredictConfig, PredictForwardOptions, PredictState } from './predict';
export { ChainOfThought } from './chain-of-thought';
