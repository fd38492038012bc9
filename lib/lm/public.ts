// The lm layer's public names (the barrel lm/index.ts may list internals for other layers).
export { BaseLM } from './base-lm';
export type { LMCallOptions, LMOutput, LMHistoryEntry, BaseLMOptions } from './base-lm';
export type { LMStreamItem, LMStreamEnd } from './lm-stream-item';
export type { ChatMessage, ContentPart, TextContentPart, ImageContentPart } from './chat-message';
export { DummyLM } from './dummy-lm';
export type { DummyAnswer, DummyAnswerFunction, DummyLMOptions } from './dummy-lm';
export { LM } from './lm';
export type { LMOptions, LMStateOptions } from './lm';
export { Embedder } from './embedder';
export type { EmbedderOptions, EmbedOptions, EmbeddingFunction } from './embedder';
export type { TransportOptions } from './transport-options';
export type { LMCache, LMCacheOptions } from './lm-cache';
export { inspectHistory } from './inspect-history';
export { clearHistory } from './global-history';
