import path from 'node:path';
import { Max, Min } from 'class-validator';
import { ParameterValidationError } from '../../lib/errors';
import { Module } from '../../lib/primitives/module';
import { ParameterStore, type ParameterListener } from '../../lib/primitives/parameter-store';
import { Prediction } from '../../lib/primitives/prediction';
import { Parameter } from '../../lib/decorators/parameter';
import type { ChildSpec } from '../../lib/runtime/child-spec';
import { MemoryCheckpointStore } from '../../lib/runtime/memory-checkpoint-store';
import type { ModuleRef } from '../../lib/runtime/module-ref';
import { RedisParameterStore } from '../../lib/runtime/redis-parameter-store';
import { Supervisor } from '../../lib/runtime/supervisor';
import { liveThreadCount } from '../../lib/runtime/thread-module';
import { describeWithRedis, startRedisServer, type RedisServer } from '../helpers/redis-server';
import { memoryLogger, silentLogger } from '../helpers/runtime-support';
import { nextEvent } from '../helpers/thread-support';

const SAMPLER_MODULE = path.join(__dirname, '..', 'fixtures', 'threads', 'sampler-module.js');
const TEMPERATURE = 'sampling.temperature';

/** An in-process module bound to the same key, with a stricter bound (at most 1). */
class Critic extends Module {
  @Parameter({ shared: TEMPERATURE }) @Min(0) @Max(1) temperature = 0.7;

  async forward(): Promise<Prediction> {
    return new Prediction({ temperature: this.temperature });
  }
}

/** Counts the listeners subscribed and not yet unsubscribed. */
class CountingStore extends ParameterStore {
  live = 0;

  override subscribe(key: string, listener: ParameterListener): () => void {
    const unsubscribe = super.subscribe(key, listener);
    this.live += 1;
    let isSubscribed = true;
    return () => {
      if (isSubscribed) this.live -= 1;
      isSubscribed = false;
      unsubscribe();
    };
  }
}

function startSampler(supervisor: Supervisor, spec: Partial<ChildSpec> = {}): Promise<ModuleRef> {
  return supervisor.startChild({ id: 'sampler', isolation: 'thread', start: { module: SAMPLER_MODULE, export: 'Sampler' }, ...spec });
}

const read = async (ref: ModuleRef): Promise<Prediction> => ref.forward({ action: 'read' });

/** @Parameter({ shared }) values reach a thread-isolated instance as they reach an in-process one. */
describe('isolation: thread — shared parameters', () => {
  let store: CountingStore;
  let supervisor: Supervisor;

  beforeEach(() => {
    store = new CountingStore();
    supervisor = new Supervisor({ logger: silentLogger, parameterStore: store, checkpointStore: new MemoryCheckpointStore(), maxRestarts: 20 });
  });

  afterEach(async () => {
    await supervisor.stop();
    expect(liveThreadCount()).toBe(0);
    expect(store.live).toBe(0);
  });

  it("stores the thread's default in an empty store, and sends a store set into the thread", async () => {
    const ref = await startSampler(supervisor);
    expect(store.get(TEMPERATURE)).toBe(0.7);
    expect(store.get('sampling.style')).toBe('plain');
    store.set(TEMPERATURE, 1.1);
    expect((await read(ref)).temperature).toBe(1.1);
    store.set(TEMPERATURE, 0.2);
    store.set(TEMPERATURE, 1.9);
    expect((await read(ref)).temperature).toBe(1.9);
    expect(await ref.getParameter('temperature')).toBe(1.9);
    expect((await ref.checkpoint()).state).toMatchObject({ parameters: { temperature: 1.9 } });
  });

  it("sends the store's value at start instead of writing the thread's default", async () => {
    store.set(TEMPERATURE, 1.5);
    const ref = await startSampler(supervisor);
    expect((await read(ref)).temperature).toBe(1.5);
    expect(store.get(TEMPERATURE)).toBe(1.5);
  });

  it("refuses a store set that breaks the thread's bounds or type, keeping the old value everywhere", async () => {
    const ref = await startSampler(supervisor);
    store.set(TEMPERATURE, 1.2);
    expect(() => store.set(TEMPERATURE, 5)).toThrow(ParameterValidationError);
    expect(() => store.set(TEMPERATURE, -1)).toThrow(expect.objectContaining({ code: 'PARAMETER_INVALID' }));
    expect(() => store.set(TEMPERATURE, 'hot')).toThrow(ParameterValidationError);
    expect(() => store.set('sampling.style', null)).toThrow(ParameterValidationError);
    expect(store.get(TEMPERATURE)).toBe(1.2);
    expect((await read(ref)).temperature).toBe(1.2);
  });

  it('keeps its own value when a constraint only the thread can check refuses the store value, and warns', async () => {
    const { logger, records } = memoryLogger('warn');
    const local = new Supervisor({ logger, parameterStore: store, checkpointStore: new MemoryCheckpointStore() });
    const ref = await startSampler(local);
    store.set('sampling.style', 'Not Lower Case');
    store.set(TEMPERATURE, 0.4);
    expect(await read(ref)).toMatchObject({ style: 'plain', temperature: 0.4 });
    expect(records).toContainEqual(expect.objectContaining({ key: 'sampling.style', msg: expect.stringContaining('refused') }));
    await local.stop();
  });

  it("writes the instance's own sets to the store (and its subscribers) before the call's answer", async () => {
    const ref = await startSampler(supervisor);
    const seen: unknown[] = [];
    const unsubscribe = store.subscribe(TEMPERATURE, (value) => seen.push(value));
    expect((await ref.forward({ action: 'set', value: 0.3 })).temperature).toBe(0.3);
    expect(store.get(TEMPERATURE)).toBe(0.3);
    await ref.setParameter('temperature', 0.4);
    expect(store.get(TEMPERATURE)).toBe(0.4);
    expect(seen).toEqual([0.3, 0.4]);
    unsubscribe();
  });

  it('shares one value with in-process modules: the strictest constraint decides, the latest value wins', async () => {
    const ref = await startSampler(supervisor);
    const critic = await supervisor.startChild({ id: 'critic', start: () => new Critic() });
    await critic.setParameter('temperature', 0.9);
    expect((await read(ref)).temperature).toBe(0.9);
    // 1.5 passes the thread's bound (2) but not the critic's (1): refused before the thread changes.
    await expect(ref.setParameter('temperature', 1.5)).rejects.toMatchObject({ code: 'PARAMETER_INVALID', details: { parameter: TEMPERATURE } });
    expect(await ref.getParameter('temperature')).toBe(0.9);
    // A write made inside forward that the store refuses is undone in the thread.
    await ref.forward({ action: 'set', value: 1.5 });
    expect(store.get(TEMPERATURE)).toBe(0.9);
    expect((await read(ref)).temperature).toBe(0.9);
    await ref.forward({ action: 'set', value: 0.1 });
    expect((await critic.forward({})).temperature).toBe(0.1);
  });

  it('ignores a write of a key the instance did not declare', async () => {
    const ref = await startSampler(supervisor);
    store.set('secrets.other', 'kept');
    await ref.forward({ action: 'forge' });
    expect((await read(ref)).temperature).toBe(0.7);
    expect(store.get('secrets.other')).toBe('kept');
  });

  it('binds a restarted instance to the same store and unbinds the one that ended', async () => {
    const ref = await startSampler(supervisor, { checkpoint: 'manual' });
    store.set(TEMPERATURE, 1.3);
    const first = await read(ref);
    const restarted = nextEvent(supervisor.registry, 'restarted');
    await ref.forward({ action: 'crash' }).catch(() => undefined);
    await restarted;
    const second = await read(ref);
    expect(second.threadId).not.toBe(first.threadId);
    expect(second.temperature).toBe(1.3);
    expect(store.live).toBe(2);
    store.set(TEMPERATURE, 0.6);
    expect((await read(ref)).temperature).toBe(0.6);
    expect(() => store.set(TEMPERATURE, 3)).toThrow(ParameterValidationError);
    // Once the child is stopped, nothing in the store checks or follows its parameters.
    await supervisor.terminateChild('sampler');
    expect(store.live).toBe(0);
    expect(() => store.set(TEMPERATURE, 3)).not.toThrow();
  });
});

describeWithRedis('isolation: thread — shared parameters in a RedisParameterStore', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedisServer();
  });

  afterAll(async () => {
    await server.stop();
  });

  it("delivers another process's set to the thread, and refuses one that breaks the thread's bounds", async () => {
    const prefix = 'thread-shared';
    // Two stores on one prefix stand for two processes; only `here` serves the thread-isolated child.
    const [here, elsewhere] = await Promise.all([
      RedisParameterStore.connect({ connection: server.url, prefix, logger: silentLogger }),
      RedisParameterStore.connect({ connection: server.url, prefix, logger: silentLogger }),
    ]);
    const local = new Supervisor({ logger: silentLogger, parameterStore: here, checkpointStore: new MemoryCheckpointStore() });
    try {
      const ref = await startSampler(local);
      const arrived = (key: string): Promise<unknown> =>
        new Promise((resolve) => {
          const unsubscribe = here.subscribe(key, (value) => {
            unsubscribe();
            resolve(value);
          });
        });
      const first = arrived(TEMPERATURE);
      await elsewhere.set(TEMPERATURE, 1.4);
      expect(await first).toBe(1.4);
      expect((await read(ref)).temperature).toBe(1.4);
      // `elsewhere` binds no parameter, so it writes 5; here the thread's bound refuses it.
      const marker = arrived('marker');
      await elsewhere.set(TEMPERATURE, 5);
      await elsewhere.set('marker', true);
      await marker;
      expect(here.get(TEMPERATURE)).toBe(1.4);
      expect((await read(ref)).temperature).toBe(1.4);
      // The thread's own write reaches the other process.
      const back = new Promise<unknown>((resolve) => {
        const unsubscribe = elsewhere.subscribe(TEMPERATURE, (value) => {
          unsubscribe();
          resolve(value);
        });
      });
      await ref.forward({ action: 'set', value: 0.5 });
      expect(await back).toBe(0.5);
    } finally {
      await local.stop();
      await Promise.all([here.close(), elsewhere.close()]);
    }
  });
});
