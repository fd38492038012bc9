export { Adapter } from './adapter';
export type { AdapterCallRequest } from './adapter';
export { ChatAdapter } from './chat-adapter';
export { JSONAdapter } from './json-adapter';
