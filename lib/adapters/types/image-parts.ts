import type { ChatMessage, ContentPart } from '../../lm/chat-message';
import { Example, fieldsOfRecord } from '../../primitives/example';
import { MAX_NESTING_DEPTH } from '../../util/nesting-depth';
import { pythonStrip } from '../../util/python-text';
import { CUSTOM_TYPE_END, CUSTOM_TYPE_START, Image } from './image';

/**
 * DSPy's split of user messages around custom types (`_expand_legacy_custom_type_markers_in_chat_message`
 * in `dspy/adapters/_legacy_type_markers.py`): an `Image` value is written into the prompt text as
 * its content parts between DSPy's markers, and each user message holding such markers becomes a
 * list of parts — the text before, the image part, the text after — with the text kept exactly.
 *
 * Unlike DSPy, only markers that stand for an `Image` given in this call's inputs or demos become
 * parts: a marker inside a user's own text (a document, a reply) stays text, so text cannot make
 * the provider fetch a URL it chose.
 */

/**
 * Content parts as text (DSPy's `inspect_history`): text parts as they are, an image as
 * `<image_url: URL>`, a data URI shortened to `<data:image/png;base64,<IMAGE BASE 64 ENCODED(n)>`.
 */
function partsText(parts: readonly ContentPart[]): string {
  let text = '';
  for (const part of parts) {
    if (part.type === 'text') {
      text += part.text;
      continue;
    }
    const url = part.image_url.url;
    const base64 = url.indexOf('base64,');
    text += base64 === -1 ? `<image_url: ${url}>` : `<${url.slice(0, base64)}base64,<IMAGE BASE 64 ENCODED(${url.length - base64 - 7})>`;
  }
  return text;
}

/** The content parts of every `Image` in the values (arrays, objects and `Example`s walked), keyed by their JSON. */
function genuineImages(roots: readonly unknown[]): Set<string> {
  const found = new Set<string>();
  const seen = new Set<object>();
  const stack: [unknown, number][] = roots.map((root) => [root, 0]);
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object' || depth > MAX_NESTING_DEPTH || seen.has(value)) continue;
    seen.add(value);
    if (Image.isImage(value)) {
      found.add(JSON.stringify(value.format()));
      continue;
    }
    const children = Array.isArray(value) ? value : Object.values(value instanceof Example ? fieldsOfRecord(value) : value);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return found;
}

/** A marker's payload read as DSPy reads it: JSON, else JSON escaped once more (an image inside a list or dict value). */
function readPayload(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    try {
      return JSON.parse(JSON.parse(`"${payload}"`) as string);
    } catch {
      return undefined;
    }
  }
}

/** The parts of one message's text, or undefined when no genuine image marker is in it. */
function splitText(text: string, genuine: ReadonlySet<string>): ContentPart[] | undefined {
  const parts: ContentPart[] = [];
  let lastEnd = 0;
  let from = 0;
  for (let start = text.indexOf(CUSTOM_TYPE_START, from); start !== -1; start = text.indexOf(CUSTOM_TYPE_START, from)) {
    const close = text.indexOf(CUSTOM_TYPE_END, start + CUSTOM_TYPE_START.length);
    if (close === -1) break;
    const end = close + CUSTOM_TYPE_END.length;
    from = end;
    const parsed = readPayload(pythonStrip(text.slice(start + CUSTOM_TYPE_START.length, close)));
    if (!Array.isArray(parsed) || !genuine.has(JSON.stringify(parsed))) continue;
    if (start > lastEnd) parts.push({ type: 'text', text: text.slice(lastEnd, start) });
    parts.push(...(parsed as ContentPart[]));
    lastEnd = end;
  }
  if (lastEnd === 0) return undefined;
  if (lastEnd < text.length) parts.push({ type: 'text', text: text.slice(lastEnd) });
  return parts;
}

/**
 * The messages with every user message that shows an `Image` from `values` split into content
 * parts (`parts`; `content` keeps the text with the images as `<image_url: …>`). Messages without
 * images are returned as they are.
 */
export function withImageParts(messages: ChatMessage[], values: readonly unknown[]): ChatMessage[] {
  if (!messages.some((message) => message.role === 'user' && message.content.includes(CUSTOM_TYPE_START))) return messages;
  const genuine = genuineImages(values);
  if (genuine.size === 0) return messages;
  return messages.map((message) => {
    if (message.role !== 'user' || !message.content.includes(CUSTOM_TYPE_START)) return message;
    const parts = splitText(message.content, genuine);
    return parts === undefined ? message : { role: message.role, content: partsText(parts), parts };
  });
}
