export type { CompileOptions, Teleprompter } from './teleprompter';
export { LabeledFewShot } from './labeled-few-shot';
export type { LabeledFewShotOptions, LabeledFewShotCompileOptions } from './labeled-few-shot';
export { BootstrapFewShot } from './bootstrap-few-shot';
export type { BootstrapFewShotOptions } from './bootstrap-few-shot';
export { BootstrapFewShotWithRandomSearch } from './bootstrap-few-shot-with-random-search';
export type {
  BootstrapFewShotWithRandomSearchOptions,
  RandomSearchCompileOptions,
  CandidateProgram,
  RandomSearchResult,
} from './bootstrap-few-shot-with-random-search';
export { KNNFewShot } from './knn-few-shot';
export type { KNNFewShotOptions } from './knn-few-shot';
export type { Vectorizer } from './knn';
export { Ensemble } from './ensemble';
export type { EnsembleOptions, EnsembledProgram, ReduceFunction } from './ensemble';
export { ParameterSearch } from './parameter-search';
export type { ParameterSearchOptions, ParameterSearchResult, ParameterSearchResults, ParameterTrial } from './parameter-search';
export type { ParameterValues } from './parameter-space';
export { GEPA } from './gepa/gepa';
export type { GEPAOptions, GEPACandidate, GEPAOptimization, GEPAProgram } from './gepa/gepa';
export type { GEPAMetric, GEPAMetricValue, ScoreWithFeedback } from './gepa/gepa-metric';
export type { GEPAAuto } from './gepa/gepa-budget';
export { COPRO } from './copro';
export type { COPROOptions, COPROCandidate, COPROStats, COPROOptimization } from './copro';
export { MIPROv2 } from './mipro-v2';
export type { MIPROv2Options, MIPROv2Optimization } from './mipro-v2';
export type { MIPROTrial } from './mipro-search';
export type { InstructionOptimizerRunOptions, OptimizationSummary, OptimizedProgram } from './instruction-optimizer-options';
export type { OptimizationCost } from './optimizer-budget';
