import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 (port 0) for LM specs: replies are scripted in
 * order (`script(...)`), else produced by `respond` (default: echo completions and deterministic
 * embeddings). Every request is recorded with its parsed body and headers.
 */

/** One scripted reply. A plain object body is sent as JSON; a string is sent as is. */
export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Never answer (until the server closes): a hung request. */
  hang?: boolean;
  /** Close the socket without answering: a network error. */
  dropConnection?: boolean;
  /** A streamed reply: each item written as its own chunk (a tick apart), then the end given. */
  sse?: SseScript;
}

/** How a streamed reply goes: raw `text/event-stream` writes, then end the body, keep it open, or drop the socket. */
export interface SseScript {
  writes: (string | Buffer)[];
  /** Default `'end'`. */
  end?: 'end' | 'hang' | 'drop';
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when it is not JSON. */
  body: any;
  /** Settles when the server sees this request's connection close. */
  closed?: Promise<void>;
}

export interface OpenAIServer {
  /** e.g. `http://127.0.0.1:54321/v1` */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  /** Queues replies, used one per request before `respond` is consulted. */
  script(...replies: ScriptedReply[]): void;
  /** Replaces the fallback reply function. */
  respond: (request: RecordedRequest) => ScriptedReply;
  /** Forgets recorded requests and queued replies, and restores the default `respond`. */
  reset(): void;
  close(): Promise<void>;
}

/** A chat completion with one choice per content. */
export function completion(contents: string | string[], extra: { usage?: Record<string, number>; model?: string; finishReason?: string } = {}): ScriptedReply {
  const list = Array.isArray(contents) ? contents : [contents];
  return {
    body: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1,
      model: extra.model ?? 'test-model-2024',
      choices: list.map((content, index) => ({ index, message: { role: 'assistant', content }, finish_reason: extra.finishReason ?? 'stop' })),
      usage: extra.usage ?? { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    },
  };
}

/** An embeddings reply with the given vectors (indexes in order). */
export function embeddings(vectors: number[][], usage = { prompt_tokens: vectors.length, total_tokens: vectors.length }): ScriptedReply {
  return { body: { object: 'list', model: 'test-embedding', data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })), usage } };
}

/** A deterministic 3-number vector for a text, so specs can check order. */
export function vectorOf(text: string): number[] {
  let sum = 0;
  for (const char of text) sum += char.charCodeAt(0);
  return [text.length, sum, text.charCodeAt(0) || 0];
}

/** A chat-completions stream: one `data:` event per text piece, a finish chunk, a usage chunk (unless `usage: null`), then `[DONE]`. */
export function sseChat(
  pieces: string[],
  extra: { usage?: Record<string, number> | null; model?: string; finishReason?: string; end?: SseScript['end']; done?: boolean } = {},
): ScriptedReply {
  const model = extra.model ?? 'test-model-2024';
  const event = (body: unknown): string => `data: ${JSON.stringify(body)}\n\n`;
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): string =>
    event({ id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finishReason }] });
  const writes = [chunk({ role: 'assistant', content: '' }), ...pieces.map((content) => chunk({ content }))];
  if (extra.end === undefined || extra.end === 'end') {
    writes.push(chunk({}, extra.finishReason ?? 'stop'));
    if (extra.usage !== null) {
      writes.push(
        event({
          id: 'chatcmpl-test',
          object: 'chat.completion.chunk',
          model,
          choices: [],
          usage: extra.usage ?? { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
    }
    if (extra.done !== false) writes.push('data: [DONE]\n\n');
  }
  return { headers: { 'content-type': 'text/event-stream' }, sse: { writes, end: extra.end } };
}

export const rateLimited = (retryAfter = '0'): ScriptedReply => ({
  status: 429,
  headers: { 'retry-after': retryAfter },
  body: { error: { message: 'Rate limit reached', type: 'rate_limit' } },
});
export const serverError = (status = 500): ScriptedReply => ({ status, body: { error: { message: 'Internal error', type: 'server_error' } } });
export const unauthorized = (status = 401): ScriptedReply => ({
  status,
  body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } },
});
export const malformedJson = (): ScriptedReply => ({ headers: { 'content-type': 'application/json' }, body: '{"choices": [ {"message": ' });
export const emptyChoices = (): ScriptedReply => ({ body: { id: 'x', model: 'test-model', choices: [] } });
export const hang = (): ScriptedReply => ({ hang: true });
export const dropConnection = (): ScriptedReply => ({ dropConnection: true });

function defaultRespond(request: RecordedRequest): ScriptedReply {
  if (request.path.endsWith('/embeddings')) {
    const input: string[] = Array.isArray(request.body?.input) ? request.body.input : [String(request.body?.input)];
    return embeddings(input.map(vectorOf));
  }
  const messages: { content: string }[] = request.body?.messages ?? [];
  const last = messages.length === 0 ? '' : messages[messages.length - 1].content;
  const count = typeof request.body?.n === 'number' ? request.body.n : 1;
  return completion(Array.from({ length: count }, (_, index) => `echo ${index}: ${last}`));
}

/** Writes a scripted stream one item per tick, so the client sees them as separate chunks (usually). */
function writeSse(response: ServerResponse, reply: ScriptedReply, hung: Set<ServerResponse>): void {
  const { writes, end = 'end' } = reply.sse!;
  response.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
  response.flushHeaders();
  let index = 0;
  const next = (): void => {
    if (response.destroyed) return;
    if (index < writes.length) {
      response.write(writes[index]);
      index += 1;
      setImmediate(next);
      return;
    }
    if (end === 'end') response.end();
    else if (end === 'drop') response.socket?.destroy();
    else hung.add(response);
  };
  next();
}

/** Starts the server; close it in `afterAll`. */
export async function startOpenAIServer(): Promise<OpenAIServer> {
  const queue: ScriptedReply[] = [];
  const requests: RecordedRequest[] = [];
  const hung = new Set<ServerResponse>();

  const server: Server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Recorded as raw text: specs that send non-JSON inspect it as such.
      }
      const closed = new Promise<void>((resolve) => incoming.socket.once('close', () => resolve()));
      const request: RecordedRequest = { method: incoming.method ?? '', path: incoming.url ?? '', headers: incoming.headers, body, closed };
      requests.push(request);
      const reply = queue.shift() ?? api.respond(request);
      if (reply.dropConnection) {
        incoming.socket.destroy();
        return;
      }
      if (reply.hang) {
        hung.add(response);
        return;
      }
      if (reply.sse !== undefined) {
        writeSse(response, reply, hung);
        return;
      }
      const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      response.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const api: OpenAIServer = {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...replies) => queue.push(...replies),
    respond: defaultRespond,
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      api.respond = defaultRespond;
    },
    close: async () => {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
  return api;
}
