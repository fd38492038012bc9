export { Adapter } from './adapter';
export type { AdapterCallRequest } from './adapter';
export { ChatAdapter } from './chat-adapter';
export type { ChatAdapterOptions } from './chat-adapter';
export { JSONAdapter } from './json-adapter';
export type { JSONAdapterOptions } from './json-adapter';
export { XMLAdapter } from './xml-adapter';
export { Image } from './types/image';
export type { ImageFileOptions, ImageUrlPart } from './types/image';
