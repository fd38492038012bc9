import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LM, Predict, StreamChunk, configure, streamify } from 'dspex';

/** A stand-in for an OpenAI-compatible server: with `stream: true` it answers in server-sent events. */
async function startToyServer(): Promise<{ baseURL: string; close: () => void }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const pieces = ['[[ ## answer', ' ## ]]\nSeven is', ' a prime', ' number.\n\n[[ ## completed ## ]]'];
      for (const content of pieces) response.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`);
      response.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
      response.write(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 40, completion_tokens: 9, total_tokens: 49 } })}\n\n`);
      response.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseURL: `http://127.0.0.1:${port}/v1`, close: () => server.close() };
}

export async function main(): Promise<void> {
  const toy = await startToyServer();
  try {
    const lm = new LM('local/toy-model', { baseURL: toy.baseURL, cache: false });
    configure({ lm });
    for await (const item of streamify(new Predict('question -> answer'))({ question: 'Is 7 prime?' })) {
      if (item instanceof StreamChunk) console.log(JSON.stringify(item.chunk));
    }
    // "Seven is"
    // " a prime"
    // " number."   (the last piece: the end marker came with it)
    console.log(lm.history.length, lm.usage.totalTokens); // 1 49: recorded once, when the stream ended
  } finally {
    toy.close();
  }
}

if (require.main === module) void main();
