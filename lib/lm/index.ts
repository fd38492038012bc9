// The lm layer for other layers: the public names plus the internals they may use.
export * from './public';
export { renderHistory } from './base-lm';
export { getDefaultLMCache } from './lm-cache';
export { defaultCacheDirectory } from './disk-cache';
