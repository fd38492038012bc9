export { configure, context, currentSettings, resetSettings } from './settings';
export type { Settings, TraceEntry } from './settings';
export type { Callback, CallbackStart, CallbackEnd } from './callback';
