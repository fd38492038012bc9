/** A text content part of a chat message (OpenAI's `{ type: 'text', text }`). */
export interface TextContentPart {
  readonly type: 'text';
  readonly text: string;
}

/** An image content part of a chat message (OpenAI's `{ type: 'image_url', image_url: { url } }`), as `Image` inputs become. */
export interface ImageContentPart {
  readonly type: 'image_url';
  readonly image_url: { readonly url: string; readonly detail?: string };
}

/** One part of a message whose content is not plain text. */
export type ContentPart = TextContentPart | ImageContentPart;

/**
 * One chat message, as OpenAI-compatible APIs and DSPy's adapters use them. A user message with
 * `Image` inputs also has `parts`: the text and image content parts the LM sends instead of
 * `content` (DSPy's split message); its `content` is then the text with each image shown as
 * `<image_url: URL>`, so code that reads messages as text keeps working.
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  parts?: readonly ContentPart[];
}
