import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { DummyLM } from '../lib/lm/dummy-lm';
import { LM } from '../lib/lm/lm';
import { Predict } from '../lib/predict/predict';
import { context } from '../lib/settings/settings';
import { ChatFieldParser } from '../lib/streaming/chat-field-parser';
import { JsonFieldParser } from '../lib/streaming/json-field-parser';
import { StreamChunk } from '../lib/streaming/stream-chunk';
import { streamify } from '../lib/streaming/streamify';
import { formatDuration, record, section } from './harness';

const event = (content: string): string => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
const FINISH = `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;

interface TimedServer {
  server: Server;
  baseURL: string;
  /** performance.now() just before the last response's first byte was written. */
  firstByteAt: () => number;
  /** How many content events the next responses carry after the first. */
  setEvents: (count: number) => void;
}

/**
 * An SSE server that notes the time it writes a response's first byte: headers and the first
 * event (which already holds the field marker and the first word) go out in one write.
 */
async function startServer(): Promise<TimedServer> {
  let firstByteAt = 0;
  let events = 3;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      firstByteAt = performance.now();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(event('[[ ## answer ## ]]\nThe'));
      let rest = '';
      for (let index = 0; index < events; index += 1) rest += event(' word');
      response.end(rest + event('\n\n[[ ## completed ## ]]') + FINISH);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    firstByteAt: () => firstByteAt,
    setEvents: (count) => (events = count),
  };
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

function report(name: string, millis: number[], targetMs?: number): number {
  const sorted = [...millis].sort((left, right) => left - right);
  const median = percentile(sorted, 0.5);
  const value = `${formatDuration(median * 1e6)} (p99 ${formatDuration(percentile(sorted, 0.99) * 1e6)})`;
  record(name, value, targetMs === undefined ? undefined : `< ${targetMs} ms`, targetMs === undefined ? undefined : median < targetMs);
  return median;
}

/** Time from the server's first byte to the first field chunk a streamify loop sees, beside a bare fetch's first body chunk. */
async function timeToFirstChunk(timed: TimedServer, samples: number): Promise<void> {
  const logger = pino({ level: 'silent' });
  const lm = new LM('openai/bench-model', { baseURL: timed.baseURL, apiKey: 'sk-bench', cache: false, logger, historySize: 10 });
  const program = streamify(new Predict('question -> answer'));
  const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'hi' }], stream: true });
  const rawFirstByte = async (): Promise<number> => {
    const response = await fetch(`${timed.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const reader = response.body!.getReader();
    await reader.read();
    const at = performance.now();
    while (!(await reader.read()).done);
    return at - timed.firstByteAt();
  };
  const firstChunk = async (): Promise<number> => {
    let at = 0;
    for await (const item of program({ question: 'hi' })) if (at === 0 && item instanceof StreamChunk) at = performance.now();
    return at - timed.firstByteAt();
  };
  const raw: number[] = [];
  const streamed: number[] = [];
  await context({ lm }, async () => {
    for (let index = 0; index < 200; index += 1) {
      await rawFirstByte();
      await firstChunk();
    }
    // Interleaved, so load changes hit both series alike.
    for (let index = 0; index < samples; index += 1) {
      raw.push(await rawFirstByte());
      streamed.push(await firstChunk());
    }
  });
  const rawMedian = report('server first byte → fetch sees first body chunk (baseline)', raw);
  const median = report('server first byte → streamify yields first field chunk', streamed);
  const overhead = streamed.map((value, index) => value - raw[index]);
  report('  dspex overhead over the baseline (paired per sample)', overhead, 1);
  record('  (medians differ by)', formatDuration((median - rawMedian) * 1e6));
}

function parserRate(name: string, make: (emit: () => void) => { push(piece: string): void; finish(): void }, reply: string, pieceLength: number): void {
  const pieces: string[] = [];
  for (let index = 0; index < reply.length; index += pieceLength) pieces.push(reply.slice(index, index + pieceLength));
  let emitted = 0;
  const once = (): void => {
    const parser = make(() => (emitted += 1));
    for (const piece of pieces) parser.push(piece);
    parser.finish();
  };
  for (let index = 0; index < 5; index += 1) once();
  const rounds = 20;
  const start = performance.now();
  for (let index = 0; index < rounds; index += 1) once();
  const seconds = (performance.now() - start) / 1000;
  record(name, `${((pieces.length * rounds) / seconds / 1e6).toFixed(2)} M pieces/s`);
  if (emitted === 0) throw new Error('the parser emitted nothing');
}

async function pipelineRate(name: string, run: () => Promise<number>): Promise<void> {
  await run();
  const start = performance.now();
  let chunks = 0;
  for (let index = 0; index < 5; index += 1) chunks += await run();
  const seconds = (performance.now() - start) / 1000;
  record(name, `${(chunks / seconds / 1000).toFixed(0)} k chunks/s`);
}

export async function run(): Promise<void> {
  const timed = await startServer();
  try {
    section('Streaming (local SSE server on 127.0.0.1)');
    record('machine load (1-minute average; the machine is shared, so times vary with it)', loadavg()[0].toFixed(2));
    await timeToFirstChunk(timed, 500);

    const words = Array.from({ length: 50_000 }, (_, index) => `word${index % 97}`).join(' ');
    const chatReply = `[[ ## reasoning ## ]]\n${words}\n\n[[ ## answer ## ]]\n${words}\n\n[[ ## completed ## ]]`;
    const jsonReply = JSON.stringify({ reasoning: words, answer: words });
    const fields = new Set(['reasoning', 'answer']);
    parserRate('ChatFieldParser, 4-character pieces', (emit) => new ChatFieldParser(fields, emit), chatReply, 4);
    parserRate('JsonFieldParser, 4-character pieces', (emit) => new JsonFieldParser(fields, emit), jsonReply, 4);

    const reply = { reasoning: words.slice(0, 40_000), answer: words.slice(0, 40_000) };
    await pipelineRate('streamify + DummyLM (streamChunkSize 4), chunks read by the loop', async () => {
      const lm = new DummyLM([reply], { streamChunkSize: 4 });
      let chunks = 0;
      for await (const item of context({ lm }, () => streamify(new Predict('question -> reasoning, answer'))({ question: 'q' }))) {
        if (item instanceof StreamChunk) chunks += 1;
      }
      return chunks;
    });

    timed.setEvents(20_000);
    const logger = pino({ level: 'silent' });
    const lm = new LM('openai/bench-model', { baseURL: timed.baseURL, apiKey: 'sk-bench', cache: false, logger, historySize: 10 });
    await pipelineRate('streamify + LM over SSE (one event per chunk), chunks read by the loop', async () => {
      let chunks = 0;
      for await (const item of context({ lm }, () => streamify(new Predict('question -> answer'))({ question: 'q' }))) {
        if (item instanceof StreamChunk) chunks += 1;
      }
      return chunks;
    });
  } finally {
    timed.server.closeAllConnections();
    timed.server.close();
  }
}
