import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LM } from 'dspex';

export async function main(): Promise<void> {
  // A toy OpenAI-compatible server that counts the requests reaching it.
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    request.resume().on('end', () => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'Paris' } }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

  // By default every LM shares one cache: memory plus disk under DSPEX_CACHE_DIR.
  // Here it gets its own folder so that the example starts empty each run.
  const directory = await mkdtemp(join(tmpdir(), 'dspex-example-cache-'));
  const messages = [{ role: 'user' as const, content: 'Capital of France?' }];
  try {
    const lm = new LM('openai/toy-model', { baseURL, cache: { directory } });
    await lm.call(messages);
    const again = await lm.call(messages); // same model, messages and options: from the cache
    console.log(requests, again.cacheHit, again.usage); // 1 true undefined

    await lm.call(messages, { cache: false }); // skip the cache for one call
    await lm.call(messages, { rolloutId: 1, temperature: 1 }); // a new rollout is a new cache entry
    console.log(requests); // 3

    // A later run (a fresh cache over the same folder) still finds the replies on disk.
    const later = new LM('openai/toy-model', { baseURL, cache: { directory } });
    console.log((await later.call(messages)).cacheHit, requests); // true 3
  } finally {
    server.close();
    await rm(directory, { recursive: true, force: true });
  }
}

if (require.main === module) void main();
