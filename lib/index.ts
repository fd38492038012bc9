import 'reflect-metadata';

/**
 * dspex: DSPy for TypeScript, with an Erlang/OTP-style supervisor runtime.
 * This file is the only public entry point; everything users import comes from here.
 */

export * from './errors/public';

export { Signature, signature } from './signatures';
export type { SignatureInput, SignatureState, Field, FieldDefinition, FieldKind, FieldType, LiteralValue } from './signatures';

export { Parameter, Predictor, SubModule, InputField, OutputField } from './decorators';
export type { ParameterOptions, PredictorOptions, SubModuleOptions, FieldOptions } from './decorators';

export { Example, Prediction, Module, ParameterStore } from './primitives';
export type {
  ExampleFields,
  LMUsage,
  Completions,
  ForwardOptions,
  BatchOptions,
  ModuleState,
  LoadStateOptions,
  NamedParameterValue,
  ParameterHandle,
  ParameterUpdate,
  ParameterValueType,
  ParameterBounds,
  ParameterListener,
  PredictorContract,
} from './primitives';

export { Adapter, ChatAdapter, JSONAdapter } from './adapters';
export type { AdapterCallRequest } from './adapters';

export * from './lm/public';

export { configure, context, resetSettings } from './settings';
export type { Settings, TraceEntry } from './settings';

export { Predict, ChainOfThought, Tool, ReAct, BestOfN, Refine, Parallel, MultiChainComparison, majority } from './predict';
export type {
  PredictConfig,
  PredictForwardOptions,
  PredictState,
  ToolFunction,
  ToolOptions,
  ToolCallOptions,
  ToolCallContext,
  ReActOptions,
  ReActForwardOptions,
  BestOfNOptions,
  RefineOptions,
  RewardFunction,
  RolloutOptions,
  ParallelOptions,
  ParallelForwardOptions,
  ParallelPair,
  ParallelRunnable,
  ParallelResult,
  MultiChainComparisonOptions,
  MajorityOptions,
} from './predict';


export { Evaluate, answerExactMatch, answerPassageMatch } from './evaluate';
export type { EvaluateOptions, EvaluateRunOptions, EvaluationResult, EvaluationRow, Metric, MetricValue, AnswerExactMatchOptions } from './evaluate';

export { LabeledFewShot, BootstrapFewShot, BootstrapFewShotWithRandomSearch, KNNFewShot, Ensemble, ParameterSearch } from './optimizers';
export type {
  CompileOptions,
  Teleprompter,
  LabeledFewShotOptions,
  LabeledFewShotCompileOptions,
  BootstrapFewShotOptions,
  BootstrapFewShotWithRandomSearchOptions,
  RandomSearchCompileOptions,
  CandidateProgram,
  RandomSearchResult,
  KNNFewShotOptions,
  Vectorizer,
  EnsembleOptions,
  EnsembledProgram,
  ReduceFunction,
  ParameterSearchOptions,
  ParameterSearchResult,
  ParameterSearchResults,
  ParameterTrial,
  ParameterValues,
} from './optimizers';

export { Supervisor, MemoryCheckpointStore, FileCheckpointStore } from './runtime';
export type {
  SupervisorOptions,
  SupervisorStatus,
  StopOptions,
  ChildSpec,
  ChildInstance,
  Fallback,
  FallbackFunction,
  CheckpointPolicy,
  RateLimit,
  RestartPolicy,
  ExitReason,
  RestartStrategy,
  ModuleRef,
  ModuleRefStatus,
  SupervisedCallOptions,
  Registry,
  ChildSummary,
  RegistryEvent,
  RegistryEventMap,
  RegistryEventType,
  RegistryListener,
  StartedEvent,
  CrashedEvent,
  RestartedEvent,
  SwappedEvent,
  StoppedEvent,
  EscalatedEvent,
  CorruptedEvent,
  StopReason,
  HotSwapOptions,
  Checkpoint,
  CheckpointStore,
  CheckpointLoadOptions,
  MemoryCheckpointStoreOptions,
  FileCheckpointStoreOptions,
  ChildMetrics,
  LatencyPercentiles,
  CallRecord,
  CallOutcome,
  Clock,
  ClockTimer,
  SupervisableModule,
} from './runtime';
