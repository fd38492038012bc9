import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { cacheKeyOf } from '../lib/lm/cache-key';
import { buildChatRequest } from '../lib/lm/chat-request';
import { parseChatCompletion } from '../lib/lm/parse-chat-completion';
import type { ChatMessage } from '../lib/lm/chat-message';
import { LM } from '../lib/lm/lm';
import { LMCache } from '../lib/lm/lm-cache';
import { formatDuration, measure, record, section } from './harness';

/** A prompt of typical size: a system message with instructions and a user message with fields. */
const messages: ChatMessage[] = [
  {
    role: 'system',
    content:
      'Your input fields are:\n1. `question` (str)\nYour output fields are:\n1. `reasoning` (str)\n2. `answer` (str)\n' +
      'All interactions will be structured in the following way, with the appropriate values filled in.\n\n' +
      '[[ ## question ## ]]\n{question}\n\n[[ ## reasoning ## ]]\n{reasoning}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## completed ## ]]\n' +
      'In adhering to this structure, your objective is: \n        Given the fields `question`, produce the fields `answer`.',
  },
  { role: 'user', content: '[[ ## question ## ]]\nWhat is the capital of France?\n\nRespond with the corresponding output fields.' },
];

const REPLY = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  model: 'bench-model',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: '[[ ## reasoning ## ]]\nKnown fact.\n\n[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]' },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 120, completion_tokens: 20, total_tokens: 140 },
});

/** The cheapest OpenAI-compatible server: reads the body, answers a fixed completion. */
async function startServer(): Promise<{ server: Server; baseURL: string }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(REPLY);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}

/** Per-call client overhead against a local server, and cache-hit latency (target < 50 µs median). */
const FLOOD_BYTES = 400 * 1024 * 1024;

/** Streams a 400 MB chunked body (no content-length) from one reused 64 KiB buffer; counts what it sent. */
async function startFloodServer(): Promise<{ server: Server; baseURL: string; sent: () => number }> {
  let sent = 0;
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"choices": [{"index": 0, "message": {"role": "assistant", "content": "');
    let left = FLOOD_BYTES;
    const pump = (): void => {
      while (left > 0 && !response.destroyed) {
        left -= chunk.length;
        sent += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      response.end('"}}]}');
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, sent: () => sent };
}

/**
 * Issue 10: a hostile server answering 400 MB must cost about `maxResponseBytes` (10 MiB), not the
 * body. Peak RSS is sampled every 2 ms during the call.
 */
async function oversizedResponse(logger: pino.Logger): Promise<void> {
  section('Oversized response (400 MB chunked body, default maxResponseBytes 10 MiB)');
  const { server, baseURL, sent } = await startFloodServer();
  try {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed);
    }, 2);
    const lm = new LM('openai/bench-model', { baseURL, apiKey: 'sk-bench', cache: false, numRetries: 0, logger });
    const started = process.hrtime.bigint();
    const outcome = await lm.call(messages).then(
      () => 'accepted (unexpected)',
      (error: { code?: string }) => String(error.code),
    );
    const elapsedNs = Number(process.hrtime.bigint() - started);
    clearInterval(sampler);
    const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    record('outcome', outcome, 'LM_RESPONSE_INVALID', outcome === 'LM_RESPONSE_INVALID');
    record('time to refuse', formatDuration(elapsedNs));
    record('bytes the server pushed before the client hung up', mib(sent()), `< ${mib(FLOOD_BYTES)}`, sent() < FLOOD_BYTES);
    record('peak RSS growth during the call', mib(peakRss - before.rss), '< 64 MiB', peakRss - before.rss < 64 * 1024 * 1024);
    record('peak heap growth during the call', mib(peakHeap - before.heapUsed), '< 32 MiB', peakHeap - before.heapUsed < 32 * 1024 * 1024);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function run(): Promise<void> {
  const { server, baseURL } = await startServer();
  const directory = await mkdtemp(join(tmpdir(), 'dspex-lm-bench-'));
  const logger = pino({ level: 'silent' });
  try {
    section('LM client (local OpenAI-compatible server on 127.0.0.1)');
    const body = JSON.stringify({ model: 'bench-model', messages });
    const rawFetch = async (): Promise<void> => {
      const response = await fetch(`${baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.json();
    };
    const uncached = new LM('openai/bench-model', { baseURL, apiKey: 'sk-bench', cache: false, logger });
    // Warm both paths (undici's pool, JIT) so neither measurement pays for the other's start-up.
    for (let index = 0; index < 300; index += 1) {
      await rawFetch();
      await uncached.call(messages);
    }
    const baseline = await measure('raw fetch POST /chat/completions (baseline)', rawFetch, { batch: 10, samples: 200 });
    const miss = await measure('LM.call, no cache (cache: false), full HTTP round trip', () => uncached.call(messages), { batch: 10, samples: 200 });
    record('LM client overhead per call (LM.call − raw fetch, noisy)', formatDuration(Math.max(0, miss.medianNs - baseline.medianNs)));
    const replyBody: unknown = JSON.parse(REPLY);
    await measure(
      'LM client work per call without I/O (build, serialise, parse)',
      () => {
        const request = buildChatRequest('bench-model', messages, { temperature: 0.7, maxTokens: 1000 }, false);
        JSON.stringify(request);
        parseChatCompletion(JSON.parse(JSON.stringify(replyBody)), baseURL, logger);
      },
      { batch: 200, samples: 200 },
    );

    const diskAndMemory = new LM('openai/bench-model', {
      baseURL,
      apiKey: 'sk-bench',
      cacheStore: new LMCache({ directory, logger }),
      logger,
      historySize: 1000,
    });
    let rollout = 0;
    await measure('LM.call, cache miss (memory + disk write)', () => diskAndMemory.call(messages, { rolloutId: (rollout += 1) }), { batch: 5, samples: 60 });

    const memoryLM = new LM('openai/bench-model', { baseURL, apiKey: 'sk-bench', cacheStore: new LMCache({ directory: null }), logger, historySize: 1000 });
    await memoryLM.call(messages);
    await measure('LM.call, memory cache hit', () => memoryLM.call(messages), { batch: 200, samples: 200, targetNs: 50_000 });

    const diskOnly = new LMCache({ directory, memoryMaxBytes: 0, logger });
    const diskLM = new LM('openai/bench-model', { baseURL, apiKey: 'sk-bench', cacheStore: diskOnly, logger, historySize: 1000 });
    await diskLM.call(messages);
    await measure('LM.call, disk cache hit (no memory layer)', () => diskLM.call(messages), { batch: 20, samples: 100 });

    const request = { model: 'openai/bench-model', messages, temperature: 0.7, maxTokens: 1000 };
    await measure('cacheKeyOf (SHA-256 of key-sorted JSON, typical prompt)', () => cacheKeyOf(request), { batch: 500, samples: 200 });

    await oversizedResponse(logger);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(directory, { recursive: true, force: true });
  }
}
