import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DspexError, LM, LMHttpError } from 'dspex';

/** A toy server that misbehaves on purpose, chosen by model name. */
async function startToyServer(): Promise<{ baseURL: string; close: () => void }> {
  let busyRequests = 0;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const { model } = JSON.parse(body) as { model: string };
      if (model === 'slow') return; // never answers
      if (model === 'locked') {
        response.writeHead(401).end('{"error": {"message": "invalid api key"}}');
      } else if (model === 'busy' && (busyRequests += 1) === 1) {
        response.writeHead(429, { 'retry-after': '0' }).end('{"error": {"message": "slow down"}}');
      } else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ model, choices: [{ index: 0, message: { role: 'assistant', content: 'done' } }] }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return { baseURL, close: () => (server.closeAllConnections(), server.close()) };
}

export async function main(): Promise<void> {
  const server = await startToyServer();
  const messages = [{ role: 'user' as const, content: 'Go.' }];
  const options = { baseURL: server.baseURL, apiKey: 'sk-example', cache: false };
  try {
    // A rate limit (429) is retried after the server's Retry-After; so are 5xx and network errors.
    const busy = new LM('openai/busy', { ...options, numRetries: 3 });
    console.log((await busy.call(messages)).outputs); // [ 'done' ], on the second attempt

    // 400, 401, 403 and 404 are never retried. A 401/403 says which variable or option to set.
    const locked = new LM('openai/locked', options);
    await locked.call(messages).catch((error: unknown) => {
      if (error instanceof LMHttpError) console.log(error.code, error.status); // LM_HTTP 401
    });

    // timeoutMs bounds each attempt; numRetries: 0 gives up after the first.
    const slow = new LM('openai/slow', { ...options, timeoutMs: 100, numRetries: 0 });
    await slow.call(messages).catch((error: unknown) => {
      if (DspexError.is(error)) console.log(error.code); // LM_TIMEOUT
    });

    // Your own AbortSignal cancels a call; it rejects with your reason, unchanged.
    const controller = new AbortController();
    const pending = slow.call(messages, { signal: controller.signal });
    controller.abort(new Error('user closed the page'));
    await pending.catch((error: unknown) => console.log((error as Error).message)); // user closed the page
  } finally {
    server.close();
  }
}

if (require.main === module) void main();
