import { Redis } from 'ioredis';
import type { CheckpointStore } from '../../lib/runtime/checkpoint-store';
import { RedisCheckpointStore } from '../../lib/runtime/redis-checkpoint-store';
import { checkpoint, describeCheckpointStoreContract } from '../helpers/checkpoint-store-contract';
import { describeWithRedis, freePort, startRedisServer, type RedisServer } from '../helpers/redis-server';

describeWithRedis('RedisCheckpointStore', () => {
  let server: RedisServer;
  let raw: Redis;
  let next = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    raw = new Redis(server.port, '127.0.0.1');
  });

  afterAll(async () => {
    await raw.quit();
    await server.stop();
  });

  // Each store gets its own prefix, so tests never see each other's keys.
  const create = (options: { keep?: number } = {}): RedisCheckpointStore =>
    new RedisCheckpointStore({ connection: server.url, prefix: `test${(next += 1)}`, ...options });

  describeCheckpointStoreContract('RedisCheckpointStore', {
    create,
    construct: (options) => new RedisCheckpointStore({ connection: 'redis://127.0.0.1:1', ...(options as { keep?: number }) }),
    async damage(store, id, index, change) {
      const key = (store as RedisCheckpointStore).keyOf(id);
      const bytes = await raw.lindexBuffer(key, index);
      await raw.lset(key, index, change(bytes!));
    },
    cleanup: (store: CheckpointStore) => (store as RedisCheckpointStore).close(),
  });

  it('keeps one list per child under its prefix, trimmed to keep', async () => {
    const store = create({ keep: 2 });
    for (let k = 1; k <= 4; k += 1) await store.save('team/qa', checkpoint('1', k, 'team/qa'));
    expect(await raw.keys(`${store.prefix}:*`)).toEqual([`${store.prefix}:checkpoint:team%2Fqa`]);
    expect(await raw.llen(`${store.prefix}:checkpoint:team%2Fqa`)).toBe(2);
    await store.close();
  });

  it('shares checkpoints between two stores on the same prefix (two processes)', async () => {
    const writer = create();
    const reader = new RedisCheckpointStore({ connection: { host: '127.0.0.1', port: server.port }, prefix: writer.prefix });
    await writer.save('qa', checkpoint('2', 7));
    await expect(reader.load('qa')).resolves.toEqual(checkpoint('2', 7));
    await Promise.all([writer.close(), reader.close()]);
  });

  it.each(['', 'nul\0byte'])('rejects the id %j with CHILD_SPEC_INVALID', async (id) => {
    const store = create();
    await expect(store.save(id, checkpoint('1', 1, 'x'))).rejects.toMatchObject({ code: 'CHILD_SPEC_INVALID', details: { field: 'id' } });
    await expect(store.load(id)).rejects.toMatchObject({ code: 'CHILD_SPEC_INVALID' });
    await store.close();
  });

  it('rejects a missing or malformed connection with CONFIGURATION_INVALID', () => {
    expect(() => new RedisCheckpointStore({} as never)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: expect.objectContaining({ option: 'connection' }) }),
    );
    expect(() => new RedisCheckpointStore({ connection: 'http://x' })).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
    expect(() => new RedisCheckpointStore({ connection: server.url, kep: 3 } as never)).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ suggestion: 'keep' }) }),
    );
  });

  it('gives up with CLUSTER_UNAVAILABLE when Redis cannot be reached, instead of hanging', async () => {
    const store = new RedisCheckpointStore({ connection: `redis://127.0.0.1:${await freePort()}` });
    await expect(store.load('qa')).rejects.toMatchObject({ code: 'CLUSTER_UNAVAILABLE', details: { budgetMs: 5000 } });
    await store.close();
  });
});
