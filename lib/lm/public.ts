// The lm layer's public names (the barrel lm/index.ts may list internals for other layers).
export { BaseLM } from './base-lm';
export type { LMCallOptions, LMOutput, LMHistoryEntry, BaseLMOptions } from './base-lm';
export type { ChatMessage } from './chat-message';
export { DummyLM } from './dummy-lm';
export type { DummyAnswer, DummyAnswerFunction, DummyLMOptions } from './dummy-lm';
