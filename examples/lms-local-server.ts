import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LM } from 'dspex';

/** A stand-in for a local model server such as vLLM or llama.cpp: it answers in OpenAI's format. */
async function startToyServer(): Promise<{ baseURL: string; close: () => void }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const { n = 1 } = JSON.parse(body) as { n?: number };
      const primes = ['7', '11', '13', '17', '19'];
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          model: 'toy-model',
          choices: primes.slice(0, n).map((content, index) => ({ index, message: { role: 'assistant', content } })),
          usage: { prompt_tokens: 20, completion_tokens: n, total_tokens: 20 + n },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, close: () => server.close() };
}

export async function main(): Promise<void> {
  const server = await startToyServer();
  try {
    // cache: false so that every run really reaches the server (caching is shown in lms-cache.ts).
    const lm = new LM('openai/toy-model', { baseURL: server.baseURL, temperature: 0.7, cache: false });
    const messages = [
      { role: 'system' as const, content: 'Answer with one number.' },
      { role: 'user' as const, content: 'Name a prime number.' },
    ];

    const reply = await lm.call(messages);
    console.log(reply.outputs); // [ '7' ]
    console.log(reply.usage); // { promptTokens: 20, completionTokens: 1, totalTokens: 21 }

    // Options per call override the LM's defaults; n asks for several completions in one request.
    const several = await lm.call(messages, { n: 3, temperature: 1.0 });
    console.log(several.outputs); // [ '7', '11', '13' ]

    console.log(lm.usage); // summed over both calls
    console.log(lm.history.length, lm.history[1].options); // 2 { temperature: 1, n: 3 }
    lm.inspectHistory(1); // prints the last call: each message by role, then the reply
  } finally {
    server.close();
  }
}

if (require.main === module) void main();
