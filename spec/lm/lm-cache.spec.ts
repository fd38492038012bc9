import pino from 'pino';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseLM, type BaseLMOptions, type LMCallOptions, type LMOutput } from '../../lib/lm/base-lm';
import { cacheKeyOf } from '../../lib/lm/cache-key';
import type { ChatMessage } from '../../lib/lm/chat-message';
import { defaultCacheDirectory } from '../../lib/lm/disk-cache';
import { LM, type LMOptions } from '../../lib/lm/lm';
import { LMCache } from '../../lib/lm/lm-cache';
import { completion, serverError, startOpenAIServer, type OpenAIServer } from '../helpers/openai-server';

const messages: ChatMessage[] = [{ role: 'user', content: 'What is 2 + 2?' }];
const silent = pino({ level: 'silent' });

/** A user-written LM: counts the calls that reach `forward`. */
class CountingLM extends BaseLM {
  calls = 0;
  async forward(_messages: readonly ChatMessage[], _options: LMCallOptions): Promise<LMOutput> {
    this.calls += 1;
    return { outputs: [`reply ${this.calls}`], usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } };
  }
  copy(overrides: Partial<BaseLMOptions> = {}): CountingLM {
    return new CountingLM(this.model, { ...this.options, ...overrides });
  }
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

describe('LM cache', () => {
  let server: OpenAIServer;
  let directory: string;

  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dspex-lm-cache-'));
  });
  afterEach(async () => {
    server.reset();
    await rm(directory, { recursive: true, force: true });
  });
  afterAll(() => server.close());

  function makeLM(cacheStore: LMCache, options: LMOptions = {}): LM {
    return new LM('openai/gpt-4o-mini', { apiKey: 'sk-a', baseURL: server.baseURL, cacheStore, retryBaseDelayMs: 0, logger: silent, ...options });
  }

  describe('in memory', () => {
    it('answers an identical request from the cache without a server request', async () => {
      const lm = makeLM(new LMCache({ directory: null }));
      const first = await lm.call(messages);
      const second = await lm.call(messages);
      expect(server.requests).toHaveLength(1);
      expect(second).toMatchObject({ outputs: first.outputs, cacheHit: true });
      expect(second.usage).toBeUndefined();
    });

    it('records a cache hit in history with no usage, and does not add to the usage total', async () => {
      const lm = makeLM(new LMCache({ directory: null }));
      await lm.call(messages);
      await lm.call(messages);
      expect(lm.history).toHaveLength(2);
      expect(lm.history[1]).toMatchObject({ outputs: lm.history[0].outputs, usage: undefined, cost: null });
      expect(lm.usage).toEqual({ promptTokens: 10, completionTokens: 5, totalTokens: 15, cost: null });
    });

    it('misses when the rolloutId differs', async () => {
      const lm = makeLM(new LMCache({ directory: null }));
      await lm.call(messages, { rolloutId: 1 });
      await lm.call(messages, { rolloutId: 2 });
      expect(server.requests).toHaveLength(2);
    });

    it('misses when an option or a message differs', async () => {
      const lm = makeLM(new LMCache({ directory: null }));
      await lm.call(messages);
      await lm.call(messages, { temperature: 0.3 });
      await lm.call([{ role: 'user', content: 'What is 3 + 3?' }]);
      expect(server.requests).toHaveLength(3);
    });

    it('skips the cache for a call given cache: false', async () => {
      const lm = makeLM(new LMCache({ directory: null }));
      await lm.call(messages);
      await lm.call(messages, { cache: false });
      expect(server.requests).toHaveLength(2);
    });

    it('skips the cache for an LM built with cache: false', async () => {
      const lm = makeLM(new LMCache({ directory: null }), { cache: false });
      await lm.call(messages);
      await lm.call(messages);
      expect(server.requests).toHaveLength(2);
    });

    it('never caches a failed call', async () => {
      const lm = makeLM(new LMCache({ directory: null }), { numRetries: 0 });
      server.script(serverError(500), completion('fine now'));
      await expect(lm.call(messages)).rejects.toMatchObject({ code: 'LM_HTTP' });
      await expect(lm.call(messages)).resolves.toMatchObject({ outputs: ['fine now'] });
      expect(server.requests).toHaveLength(2);
    });

    it('shares entries between LMs that differ only in key, endpoint or headers', async () => {
      const store = new LMCache({ directory: null });
      await makeLM(store, { apiKey: 'sk-one' }).call(messages);
      const other = new LM('openai/gpt-4o-mini', {
        apiKey: 'sk-two',
        baseURL: 'http://127.0.0.1:1/v1',
        headers: { 'x-a': 'b' },
        cacheStore: store,
        logger: silent,
      });
      await expect(other.call(messages)).resolves.toMatchObject({ cacheHit: true });
      expect(server.requests).toHaveLength(1);
    });

    it('evicts the least recently used entries beyond memoryMaxBytes', async () => {
      // Each entry is about 25 bytes of JSON ({"outputs":["reply 1"]}): room for two.
      const lm = new CountingLM('counting', { cacheStore: new LMCache({ directory: null, memoryMaxBytes: 60 }) });
      for (const content of ['a', 'b', 'c', 'c', 'a']) await lm.call([{ role: 'user', content }]);
      expect(lm.calls).toBe(4);
    });

    it('gives every BaseLM subclass the cache', async () => {
      const lm = new CountingLM('counting', { cacheStore: new LMCache({ directory: null }) });
      await lm.call(messages);
      const second = await lm.call(messages);
      expect(lm.calls).toBe(1);
      expect(second).toMatchObject({ outputs: ['reply 1'], cacheHit: true });
    });
  });

  describe('on disk', () => {
    it('serves a reply saved by an earlier process (a fresh cache on the same folder)', async () => {
      await makeLM(new LMCache({ directory })).call(messages);
      const later = await makeLM(new LMCache({ directory })).call(messages);
      expect(later).toMatchObject({ cacheHit: true, outputs: [`echo 0: ${messages[0].content}`] });
      expect(server.requests).toHaveLength(1);
    });

    it('reads from disk after the memory layer is cleared', async () => {
      const store = new LMCache({ directory });
      const lm = makeLM(store);
      await lm.call(messages);
      store.clearMemory();
      await expect(lm.call(messages)).resolves.toMatchObject({ cacheHit: true });
      expect(server.requests).toHaveLength(1);
    });

    it('writes one JSON file per entry and leaves no temp files', async () => {
      await makeLM(new LMCache({ directory })).call(messages);
      const files = await filesUnder(directory);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/[0-9a-f]{64}\.json$/);
      expect(JSON.parse(await readFile(files[0], 'utf8'))).toMatchObject({ format: 1, value: { outputs: [`echo 0: ${messages[0].content}`] } });
    });

    it('ignores and removes a corrupt entry, then caches the fresh reply', async () => {
      await makeLM(new LMCache({ directory })).call(messages);
      const [file] = await filesUnder(directory);
      await writeFile(file, '{"format": 1, "key": "tru');
      const reply = await makeLM(new LMCache({ directory })).call(messages);
      expect(reply.cacheHit).toBeUndefined();
      expect(server.requests).toHaveLength(2);
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ format: 1 });
    });

    it('treats an entry with the wrong shape as a miss', async () => {
      await makeLM(new LMCache({ directory })).call(messages);
      const [file] = await filesUnder(directory);
      const entry = JSON.parse(await readFile(file, 'utf8'));
      await writeFile(file, JSON.stringify({ ...entry, value: { outputs: [42] } }));
      await expect(makeLM(new LMCache({ directory })).call(messages)).resolves.toMatchObject({ outputs: [`echo 0: ${messages[0].content}`] });
      expect(server.requests).toHaveLength(2);
    });

    it('still answers when the cache folder cannot be written', async () => {
      const blocker = join(directory, 'not-a-folder');
      await writeFile(blocker, 'x');
      await expect(makeLM(new LMCache({ directory: blocker })).call(messages)).resolves.toMatchObject({ outputs: [`echo 0: ${messages[0].content}`] });
    });

    it('removes every entry on clear()', async () => {
      const store = new LMCache({ directory });
      await makeLM(store).call(messages);
      await store.clear();
      await makeLM(store).call(messages);
      expect(server.requests).toHaveLength(2);
    });
  });

  describe('size limit', () => {
    const ask = (index: number): ChatMessage[] => [{ role: 'user', content: `question ${index} ${'x'.repeat(200)}` }];

    it('trims the oldest entries first once the disk layer passes diskMaxBytes', async () => {
      const lm = makeLM(new LMCache({ directory, memoryMaxBytes: 0, diskMaxBytes: 4_000 }));
      for (let index = 0; index < 30; index += 1) await lm.call(ask(index));
      const files = await filesUnder(directory);
      const sizes = await Promise.all(files.map(async (file) => (await readFile(file)).length));
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(4_000);
      expect(files.length).toBeGreaterThan(0);
      // The newest entry is still there, the oldest is not.
      const fresh = makeLM(new LMCache({ directory, memoryMaxBytes: 0 }));
      await expect(fresh.call(ask(29))).resolves.toMatchObject({ cacheHit: true });
      await expect(fresh.call(ask(0))).resolves.not.toMatchObject({ cacheHit: true });
    });

    it('counts entries found on disk by an earlier process', async () => {
      const first = makeLM(new LMCache({ directory, memoryMaxBytes: 0 }));
      for (let index = 0; index < 10; index += 1) await first.call(ask(index));
      const second = makeLM(new LMCache({ directory, memoryMaxBytes: 0, diskMaxBytes: 2_000 }));
      await second.call(ask(100));
      const sizes = await Promise.all((await filesUnder(directory)).map(async (file) => (await readFile(file)).length));
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(2_000);
    });

    it('reads DSPEX_CACHE_MAX_BYTES, and rejects a bad diskMaxBytes', async () => {
      const saved = process.env.DSPEX_CACHE_MAX_BYTES;
      process.env.DSPEX_CACHE_MAX_BYTES = '3000';
      try {
        const lm = makeLM(new LMCache({ directory, memoryMaxBytes: 0 }));
        for (let index = 0; index < 20; index += 1) await lm.call(ask(index));
      } finally {
        if (saved === undefined) delete process.env.DSPEX_CACHE_MAX_BYTES;
        else process.env.DSPEX_CACHE_MAX_BYTES = saved;
      }
      const sizes = await Promise.all((await filesUnder(directory)).map(async (file) => (await readFile(file)).length));
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(3_000);
      expect(() => new LMCache({ diskMaxBytes: -1 })).toThrow(
        expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: expect.objectContaining({ option: 'diskMaxBytes' }) }),
      );
      expect(() => new LMCache({ diskMaxByte: 1 } as never)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
    });

    it('lm.clearCache() empties the memory and disk layers the LM uses', async () => {
      const lm = makeLM(new LMCache({ directory }));
      await lm.call(messages);
      await lm.clearCache();
      expect(await filesUnder(directory).catch(() => [])).toEqual([]);
      await expect(lm.call(messages)).resolves.not.toMatchObject({ cacheHit: true });
      expect(server.requests).toHaveLength(2);
    });
  });

  describe('defaultCacheDirectory', () => {
    it('prefers DSPEX_CACHE_DIR', () => {
      expect(defaultCacheDirectory({ DSPEX_CACHE_DIR: '/tmp/custom', XDG_CACHE_HOME: '/xdg' })).toBe('/tmp/custom');
    });

    it('uses a dspex folder under XDG_CACHE_HOME', () => {
      expect(defaultCacheDirectory({ XDG_CACHE_HOME: '/xdg' })).toBe(join('/xdg', 'dspex'));
    });
  });

  describe('cacheKeyOf', () => {
    it('is the same whatever the key order', () => {
      expect(cacheKeyOf({ model: 'm', options: { a: 1, b: [1, { c: 2, d: 3 }] } })).toBe(cacheKeyOf({ options: { b: [1, { d: 3, c: 2 }], a: 1 }, model: 'm' }));
    });

    it('ignores credentials, endpoints, headers, cache and signal', () => {
      const base = { model: 'm', messages };
      expect(cacheKeyOf({ ...base, apiKey: 'k', baseURL: 'u', headers: { a: 'b' }, cache: true, signal: new AbortController().signal })).toBe(cacheKeyOf(base));
    });

    it('drops undefined members and distinguishes other values', () => {
      expect(cacheKeyOf({ model: 'm', temperature: undefined })).toBe(cacheKeyOf({ model: 'm' }));
      expect(cacheKeyOf({ model: 'm', rolloutId: 1 })).not.toBe(cacheKeyOf({ model: 'm', rolloutId: 2 }));
    });

    it('refuses a circular value', () => {
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      expect(() => cacheKeyOf({ circular })).toThrow(TypeError);
    });
  });
});
