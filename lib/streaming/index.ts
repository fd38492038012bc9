// The streaming layer: streamify and the values it yields.
export { streamify } from './streamify';
export type { StreamifyOptions, StreamCallOptions, StreamItem, StreamingProgram } from './streamify';
export { StreamChunk } from './stream-chunk';
export { StatusMessage, StatusMessageProvider } from './status-message';
export { StreamListener } from './stream-listener';
export type { StreamListenerOptions } from './stream-listener';
