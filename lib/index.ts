import 'reflect-metadata';

/**
 * dspex: DSPy for TypeScript, with an Erlang/OTP-style supervisor runtime.
 * This file is the only public entry point; everything users import comes from here.
 */

export * from './errors/public';

export { Signature, signature } from './signatures';
export type { SignatureInput, SignatureState, Field, FieldDefinition, FieldKind, FieldType, LiteralValue } from './signatures';
export type { InferInputs, InferOutputs, SignatureInputs, SignatureOutputs } from './signatures';

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

export { Adapter, ChatAdapter, JSONAdapter, XMLAdapter, Image } from './adapters';
export type { AdapterCallRequest, ChatAdapterOptions, JSONAdapterOptions, ImageFileOptions, ImageUrlPart } from './adapters';

export * from './lm/public';

export { configure, context, resetSettings } from './settings';
export type { Settings, TraceEntry, Callback, CallbackStart, CallbackEnd } from './settings';

export { streamify, StreamChunk, StatusMessage, StatusMessageProvider, StreamListener } from './streaming';
export type { StreamifyOptions, StreamCallOptions, StreamItem, StreamingProgram, StreamListenerOptions } from './streaming';

export { Predict, ChainOfThought, Tool, ReAct, BestOfN, Refine, Parallel, MultiChainComparison, majority } from './predict';
export type * from './predict';

export { Evaluate, answerExactMatch, answerPassageMatch } from './evaluate';
export type * from './evaluate';

export { LabeledFewShot, BootstrapFewShot, BootstrapFewShotWithRandomSearch, KNNFewShot, Ensemble, ParameterSearch, COPRO, MIPROv2 } from './optimizers';
export type * from './optimizers';
export { GEPA } from './optimizers';

export { Supervisor, MemoryCheckpointStore, FileCheckpointStore, RedisCheckpointStore, RedisParameterStore, Cluster } from './runtime';
export type * from './runtime';
