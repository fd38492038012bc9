import { Max, Min } from 'class-validator';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Module, Parameter, Prediction } from '../../lib';
import { RedisParameterStore } from '../../lib/runtime/redis-parameter-store';
import { Supervisor } from '../../lib/runtime/supervisor';
import { describeWithRedis, freePort, startRedisServer, type RedisServer } from '../helpers/redis-server';

class Drafter extends Module {
  @Parameter({ shared: 'sampling.temperature' }) @Min(0) @Max(2) temperature = 0.7;

  async forward(): Promise<Prediction> {
    return new Prediction({ temperature: this.temperature });
  }
}

const silent = pino({ level: 'silent' });

/** Resolves with the next value `store` sees for `key` (from any process). */
const nextValue = (store: RedisParameterStore, key: string): Promise<unknown> =>
  new Promise((resolve) => {
    const unsubscribe = store.subscribe(key, (value) => {
      unsubscribe();
      resolve(value);
    });
  });

describeWithRedis('RedisParameterStore', () => {
  let server: RedisServer;
  let raw: Redis;
  let next = 0;
  const opened: RedisParameterStore[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
    raw = new Redis(server.port, '127.0.0.1');
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  afterAll(async () => {
    await raw.quit();
    await server.stop();
  });

  /** Two stores on one prefix stand for two processes. */
  async function pair(): Promise<[RedisParameterStore, RedisParameterStore]> {
    const prefix = `params${(next += 1)}`;
    const stores = await Promise.all([
      RedisParameterStore.connect({ connection: server.url, prefix }),
      RedisParameterStore.connect({ connection: server.url, prefix }),
    ]);
    opened.push(...stores);
    return stores;
  }

  it('reads its own write at once, and resolves set once Redis holds it', async () => {
    const [store] = await pair();
    const written = store.set('k', { depth: 3 });
    expect(store.get('k')).toEqual({ depth: 3 });
    await written;
    expect(JSON.parse((await raw.hget(`${store.prefix}:parameters:values`, 'k'))!)).toEqual({ depth: 3 });
    expect(store.versionOf('k')).toBe(1);
  });

  it("delivers each set to another process's subscribers and mirror, with the previous value", async () => {
    const [first, second] = await pair();
    const seen: unknown[] = [];
    const arrived = new Promise<void>((resolve) =>
      second.subscribe('k', (value, previous) => {
        seen.push([value, previous]);
        if (seen.length === 2) resolve();
      }),
    );
    await first.set('k', 1);
    await first.set('k', 2);
    await arrived;
    expect(seen).toEqual([
      [1, undefined],
      [2, 1],
    ]);
    expect(second.get('k')).toBe(2);
  });

  it('loads the values already in Redis when it connects', async () => {
    const [first] = await pair();
    await first.set('a', 'x');
    await first.set('a', 'y');
    const late = await RedisParameterStore.connect({ connection: server.url, prefix: first.prefix });
    opened.push(late);
    expect(late.get('a')).toBe('y');
    expect(late.versionOf('a')).toBe(2);
  });

  it('ignores a late message carrying an older version', async () => {
    const [first, second] = await pair();
    await first.set('k', 'newer');
    await first.set('k', 'newest');
    const seen: unknown[] = [];
    second.subscribe('k', (value) => seen.push(value));
    const settled = new Promise<void>((resolve) => second.subscribe('marker', () => resolve()));
    // A stale message (version 1) published after version 2, then a marker: messages on one channel arrive in order.
    await raw.publish(`${first.prefix}:parameters`, JSON.stringify({ key: 'k', version: 1, json: '"stale"', origin: 'elsewhere' }));
    await first.set('marker', true);
    await settled;
    expect(second.get('k')).toBe('newest');
    expect(seen).not.toContain('stale');
  });

  it("validates a set against the bound parameters' constraints before writing it", async () => {
    const [store] = await pair();
    const supervisor = new Supervisor({ parameterStore: store, logger: silent });
    await supervisor.startChild({ id: 'drafter', start: () => new Drafter() });
    await expect(store.set('sampling.temperature', 5)).rejects.toMatchObject({ code: 'PARAMETER_INVALID', details: { key: 'sampling.temperature' } });
    expect(store.get('sampling.temperature')).toBe(0.7);
    expect(JSON.parse((await raw.hget(`${store.prefix}:parameters:values`, 'sampling.temperature'))!)).toBe(0.7);
    await supervisor.stop();
  });

  it('keeps @Parameter({ shared }) values of modules in two processes in step', async () => {
    const [first, second] = await pair();
    // The value exists before the modules bind, so neither writes its default (a late default would race the set below).
    const known = nextValue(second, 'sampling.temperature');
    await first.set('sampling.temperature', 0.7);
    await known;
    const supervisors = [new Supervisor({ parameterStore: first, logger: silent }), new Supervisor({ parameterStore: second, logger: silent })];
    const [here, there] = await Promise.all(supervisors.map((supervisor) => supervisor.startChild({ id: 'drafter', start: () => new Drafter() })));
    const arrived = nextValue(second, 'sampling.temperature');
    await here.setParameter('temperature', 1.5);
    await expect(arrived).resolves.toBe(1.5);
    await expect(there.forward({})).resolves.toMatchObject({ temperature: 1.5 });
    await Promise.all(supervisors.map((supervisor) => supervisor.stop()));
  });

  it('rejects bad options with CONFIGURATION_INVALID', async () => {
    await expect(RedisParameterStore.connect({ connection: 42 } as never)).rejects.toMatchObject({ code: 'CONFIGURATION_INVALID' });
    await expect(RedisParameterStore.connect({ connection: server.url, prefx: 'x' } as never)).rejects.toMatchObject({
      code: 'CONFIGURATION_INVALID',
      details: { suggestion: 'prefix' },
    });
  });

  it('gives up with CLUSTER_UNAVAILABLE when Redis cannot be reached', async () => {
    await expect(RedisParameterStore.connect({ connection: `redis://127.0.0.1:${await freePort()}` })).rejects.toMatchObject({ code: 'CLUSTER_UNAVAILABLE' });
  });
});
