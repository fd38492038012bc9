import { LMResponseError, describeProblem } from '../errors';
import type { Logger } from '../logging/logger';
import { excerpt, type HttpSettings } from './http-request';
import type { LMStreamItem } from './lm-stream-item';
import type { OpenedStream } from './open-stream';
import { parseChatCompletion } from './parse-chat-completion';
import { scrubParsedJson } from './scrub-secrets';
import { SseDecoder, type SseEvent } from './sse-decoder';
import { StreamScrubber } from './stream-scrubber';
import { costFromResponse, usageFromResponse } from './usage';

/** Largest single server-sent event (a chat chunk is usually well under 1 KiB). */
export const MAX_SSE_EVENT_CHARS = 1024 * 1024;

interface StreamState {
  usage: unknown;
  model: string | undefined;
  finishReason: string | undefined;
  done: boolean;
}

/**
 * Reads an OpenAI chat-completions stream: the text of choice 0's `delta.content` as it arrives,
 * then one usage item (usage from the chunk that carries it, with `stream_options.include_usage`).
 * A server that ignored `stream: true` and sent a plain JSON completion is read as one piece.
 * @throws {LMResponseError} LM_RESPONSE_INVALID for an event that is not JSON, an error event, an oversized event or body, or a stream cut before its end.
 */
export async function* readChatStream(opened: OpenedStream, settings: HttpSettings, log: Logger): AsyncGenerator<LMStreamItem, void, undefined> {
  if (opened.contentType.startsWith('application/json')) {
    yield* readWholeCompletion(opened, settings, log);
    return;
  }
  const decoder = new TextDecoder('utf-8');
  const sse = new SseDecoder(Math.min(MAX_SSE_EVENT_CHARS, settings.maxResponseBytes), () => eventTooLarge(opened.url));
  const scrubber = new StreamScrubber(settings.secrets);
  const state: StreamState = { usage: undefined, model: undefined, finishReason: undefined, done: false };
  const events: SseEvent[] = [];
  for await (const bytes of opened.chunks()) {
    sse.push(decoder.decode(bytes, { stream: true }), events);
    for (const text of drain(events, state, opened.url, settings)) {
      const shown = scrubber.push(text);
      if (shown !== '') yield shown;
    }
    if (state.done) break;
  }
  if (!state.done) {
    sse.push(decoder.decode(), events);
    sse.end(events);
    for (const text of drain(events, state, opened.url, settings)) {
      const shown = scrubber.push(text);
      if (shown !== '') yield shown;
    }
  }
  const rest = scrubber.flush();
  if (rest !== '') yield rest;
  if (!state.done && state.finishReason === undefined) throw cutShort(opened.url);
  if (state.finishReason === 'length') log.warn({ url: opened.url, truncated: 1 }, 'lm reply cut at maxTokens; raise maxTokens if fields are missing');
  const usage = usageFromResponse(state.usage);
  const cost = costFromResponse(state.usage);
  if (usage !== undefined || state.model !== undefined) yield { usage, cost, responseModel: state.model };
}

/** The text pieces of the decoded events, in order; updates usage, model and the end state. */
function* drain(events: SseEvent[], state: StreamState, url: string, settings: HttpSettings): Generator<string> {
  for (const event of events) {
    if (state.done) break;
    if (event.data === '[DONE]') {
      state.done = true;
      break;
    }
    const chunk = parseEvent(event, url, settings);
    if (chunk.usage != null) state.usage = chunk.usage;
    if (typeof chunk.model === 'string') state.model = chunk.model;
    const choice = Array.isArray(chunk.choices) ? (chunk.choices as unknown[]).find(isFirstChoice) : undefined;
    if (choice === undefined) continue;
    const { delta, finish_reason: finishReason } = choice as { delta?: { content?: unknown }; finish_reason?: unknown };
    if (typeof finishReason === 'string') state.finishReason = finishReason;
    const content = delta?.content;
    if (typeof content === 'string' && content !== '') yield content;
  }
  events.length = 0;
}

function isFirstChoice(choice: unknown): boolean {
  if (typeof choice !== 'object' || choice === null) return false;
  const index = (choice as { index?: unknown }).index;
  return index === undefined || index === 0;
}

function parseEvent(event: SseEvent, url: string, settings: HttpSettings): Record<string, unknown> {
  let chunk: unknown;
  try {
    chunk = JSON.parse(event.data);
  } catch (error) {
    throw new LMResponseError(
      describeProblem(
        `The LM endpoint ${url} streamed an event that is not JSON.`,
        JSON.stringify(excerpt(settings, event.data)),
        'Check that baseURL points at an OpenAI-compatible API that supports stream: true.',
      ),
      { cause: error, details: { url, bodyExcerpt: excerpt(settings, event.data) } },
    );
  }
  if (typeof chunk !== 'object' || chunk === null || Array.isArray(chunk)) throw invalidChunk(url, settings, event.data, 'is not a JSON object');
  const record = chunk as Record<string, unknown>;
  if (event.event === 'error' || record.error !== undefined) {
    const error = scrubParsedJson(record.error ?? record, settings.secrets);
    const message = typeof (error as { message?: unknown })?.message === 'string' ? (error as { message: string }).message : JSON.stringify(error);
    throw new LMResponseError(
      describeProblem(
        `The LM endpoint ${url} reported an error in the middle of its streamed reply.`,
        JSON.stringify(excerpt(settings, message)),
        'Call again; if it persists, check the request options and the server logs.',
      ),
      { details: { url, serverError: error } },
    );
  }
  return record;
}

/** A server that answered with a plain completion: its first choice as one piece, then usage. */
async function* readWholeCompletion(opened: OpenedStream, settings: HttpSettings, log: Logger): AsyncGenerator<LMStreamItem, void, undefined> {
  const parts: Uint8Array[] = [];
  for await (const bytes of opened.chunks()) parts.push(bytes);
  const text = Buffer.concat(parts).toString('utf8');
  let body: unknown;
  try {
    body = scrubParsedJson(JSON.parse(text), settings.secrets);
  } catch (error) {
    throw invalidChunk(opened.url, settings, text, 'is not JSON', error);
  }
  const output = parseChatCompletion(body, opened.url, log, settings.secrets);
  if (output.outputs[0] !== '') yield output.outputs[0];
  yield { usage: output.usage, cost: output.cost, responseModel: output.responseModel };
}

function invalidChunk(url: string, settings: HttpSettings, data: string, problem: string, cause?: unknown): LMResponseError {
  return new LMResponseError(
    describeProblem(
      `The LM endpoint ${url} streamed a reply that ${problem}.`,
      JSON.stringify(excerpt(settings, data)),
      'Check that baseURL points at an OpenAI-compatible chat API.',
    ),
    { cause, details: { url, bodyExcerpt: excerpt(settings, data) } },
  );
}

function eventTooLarge(url: string): LMResponseError {
  return new LMResponseError(
    describeProblem(
      `The LM endpoint ${url} streamed a line or event longer than ${MAX_SSE_EVENT_CHARS} characters; the stream was closed.`,
      'an oversized server-sent event',
      'Check that baseURL points at an OpenAI-compatible API; a chat chunk is a small JSON object.',
    ),
    { details: { url, maxEventChars: MAX_SSE_EVENT_CHARS } },
  );
}

function cutShort(url: string): LMResponseError {
  return new LMResponseError(
    describeProblem(
      `The LM endpoint ${url} ended its streamed reply before it was complete (no finish_reason and no [DONE]).`,
      'a stream that stopped early',
      'Call again; check the server and any proxy between for cut connections.',
    ),
    { details: { url } },
  );
}
