import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileCheckpointStore } from '../../lib/runtime/file-checkpoint-store';
import { MemoryCheckpointStore } from '../../lib/runtime/memory-checkpoint-store';
import type { CorruptedEvent } from '../../lib/runtime/registry-event';
import { Supervisor } from '../../lib/runtime/supervisor';
import { ManualClock, settle, silentLogger, workerFactory } from '../helpers/runtime-support';

describe('MemoryCheckpointStore', () => {
  it('keeps copies, newest first, up to `keep`', async () => {
    const store = new MemoryCheckpointStore({ keep: 2 });
    const state = { parameters: { offset: 1 } };
    await store.save('qa', { id: 'qa', version: '1', state, createdAt: 1 });
    state.parameters.offset = 99;
    await store.save('qa', { id: 'qa', version: '1', state: { parameters: { offset: 2 } }, createdAt: 2 });
    await store.save('qa', { id: 'qa', version: '1', state: { parameters: { offset: 3 } }, createdAt: 3 });
    expect((await store.list('qa')).map((entry) => entry.createdAt)).toEqual([3, 2]);
    expect(await store.load('qa')).toMatchObject({ state: { parameters: { offset: 3 } } });
  });

  it('rejects a malformed checkpoint with CHECKPOINT_CORRUPT', async () => {
    await expect(new MemoryCheckpointStore().save('qa', { id: 'qa' } as never)).rejects.toMatchObject({
      code: 'CHECKPOINT_CORRUPT',
      details: { field: 'version' },
    });
  });
});

describe('checkpointing in a supervisor', () => {
  it('saves on change by default with a store, and restores the tuned state after a crash', async () => {
    const store = new MemoryCheckpointStore();
    const supervisor = new Supervisor({ checkpointStore: store, logger: silentLogger, clock: new ManualClock() });
    const factory = workerFactory();
    const ref = await supervisor.startChild({ id: 'tuned', start: factory.start });
    await ref.setParameter('offset', 100);
    await settle();
    expect(await store.load('tuned')).toMatchObject({ id: 'tuned', version: '1', state: { parameters: { offset: 100 } } });
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 101, instance: factory.instances[1].instance });
  });

  it('sees parameter changes a module makes to itself', async () => {
    const store = new MemoryCheckpointStore();
    const supervisor = new Supervisor({ checkpointStore: store, logger: silentLogger, clock: new ManualClock() });
    const ref = await supervisor.startChild({ id: 'self-tuning', start: workerFactory().start });
    await ref.forward({ tune: 7, n: 0 });
    await settle();
    expect(await store.load('self-tuning')).toMatchObject({ state: { parameters: { offset: 7 } } });
  });

  it('resumes a new child from the checkpoint already in the store', async () => {
    const store = new MemoryCheckpointStore();
    await store.save('qa', { id: 'qa', version: '1', state: { parameters: { offset: 5 } }, createdAt: 0 });
    const supervisor = new Supervisor({ checkpointStore: store, logger: silentLogger, clock: new ManualClock() });
    const ref = await supervisor.startChild({ id: 'qa', start: workerFactory().start });
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 6 });
  });

  it("with 'manual', saves only on ref.checkpoint(), and restore() loads a checkpoint into the live instance", async () => {
    const store = new MemoryCheckpointStore();
    const supervisor = new Supervisor({ checkpointStore: store, logger: silentLogger, clock: new ManualClock() });
    const ref = await supervisor.startChild({ id: 'qa', start: workerFactory().start, checkpoint: 'manual' });
    await ref.setParameter('offset', 3);
    await settle();
    await expect(store.load('qa')).resolves.toBeUndefined();
    const saved = await ref.checkpoint();
    expect(saved).toMatchObject({ id: 'qa', version: '1', state: { parameters: { offset: 3 } } });
    await ref.setParameter('offset', 50);
    await ref.restore(saved);
    expect(await ref.getParameter('offset')).toBe(3);
  });

  it('restore() rejects a checkpoint the module cannot load with STATE_INVALID and keeps the old state', async () => {
    const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    const ref = await supervisor.startChild({ id: 'qa', start: workerFactory().start });
    await ref.setParameter('offset', 4);
    await expect(ref.restore({ id: 'qa', version: '1', state: { parameters: { offset: 'four' } }, createdAt: 0 })).rejects.toMatchObject({
      code: 'STATE_INVALID',
    });
    await expect(ref.restore({ id: 'qa' } as never)).rejects.toMatchObject({ code: 'CHECKPOINT_CORRUPT' });
    expect(await ref.getParameter('offset')).toBe(4);
  });

  it('with { everyMs }, saves on the clock when the state changed', async () => {
    const clock = new ManualClock();
    const store = new MemoryCheckpointStore({ keep: 10 });
    const supervisor = new Supervisor({ checkpointStore: store, logger: silentLogger, clock });
    const ref = await supervisor.startChild({ id: 'qa', start: workerFactory().start, checkpoint: { everyMs: 1000 } });
    await ref.setParameter('offset', 1);
    await settle();
    await expect(store.list('qa')).resolves.toHaveLength(0);
    clock.advance(1000);
    await settle();
    clock.advance(1000);
    await settle();
    await expect(store.list('qa')).resolves.toHaveLength(1);
    await ref.setParameter('offset', 2);
    clock.advance(1000);
    await settle();
    expect((await store.list('qa')).map((entry) => entry.state.parameters)).toEqual([{ offset: 2 }, { offset: 1 }]);
    await supervisor.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('starts fresh and reports `corrupted` when the stored state does not fit the module', async () => {
    const store = new MemoryCheckpointStore();
    await store.save('qa', { id: 'qa', version: '0', state: { parameters: { offset: 'not a number' } }, createdAt: 0 });
    const supervisor = new Supervisor({ checkpointStore: store, logger: silentLogger, clock: new ManualClock() });
    const events: CorruptedEvent[] = [];
    supervisor.registry.on('corrupted', (event) => events.push(event));
    const ref = await supervisor.startChild({ id: 'qa', start: workerFactory().start });
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 1 });
    expect(events).toEqual([
      expect.objectContaining({
        id: 'qa',
        version: '1',
        error: expect.objectContaining({ code: 'CHECKPOINT_CORRUPT', cause: expect.objectContaining({ code: 'STATE_INVALID' }) }),
      }),
    ]);
  });

  it('falls back to the previous good checkpoint when loadState rejects the newest, reporting it', async () => {
    const store = new MemoryCheckpointStore();
    await store.save('qa', { id: 'qa', version: '1', state: { parameters: { offset: 5 } }, createdAt: 1 });
    await store.save('qa', { id: 'qa', version: '1', state: { parameters: { offset: 'not a number' } }, createdAt: 2 });
    const supervisor = new Supervisor({ checkpointStore: store, logger: silentLogger, clock: new ManualClock() });
    const events: CorruptedEvent[] = [];
    supervisor.registry.on('corrupted', (event) => events.push(event));
    const ref = await supervisor.startChild({ id: 'qa', start: workerFactory().start, checkpoint: 'manual' });
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 6 });
    expect(events).toEqual([
      expect.objectContaining({ id: 'qa', error: expect.objectContaining({ code: 'CHECKPOINT_CORRUPT', details: expect.objectContaining({ createdAt: 2 }) }) }),
    ]);
    // The rejected checkpoint is left in the store; nothing was overwritten.
    expect((await store.list('qa')).map((entry) => entry.createdAt)).toEqual([2, 1]);
  });

  it('reports every rejected checkpoint and starts fresh when none fits', async () => {
    const store = new MemoryCheckpointStore();
    for (const createdAt of [1, 2]) await store.save('qa', { id: 'qa', version: '1', state: { parameters: { offset: `bad ${createdAt}` } }, createdAt });
    const supervisor = new Supervisor({ checkpointStore: store, logger: silentLogger, clock: new ManualClock() });
    const events: CorruptedEvent[] = [];
    supervisor.registry.on('corrupted', (event) => events.push(event));
    const ref = await supervisor.startChild({ id: 'qa', start: workerFactory().start });
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 1 });
    expect(events.map((event) => event.error.details.createdAt)).toEqual([2, 1]);
  });

  describe('with a FileCheckpointStore', () => {
    let dir: string;

    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'dspex-supervised-'));
    });

    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reports a corrupt newest checkpoint and resumes from the previous good one', async () => {
      const store = new FileCheckpointStore(dir);
      for (const offset of [1, 2]) await store.save('qa', { id: 'qa', version: '1', state: { parameters: { offset } }, createdAt: offset });
      const files = (await readdir(path.join(dir, 'qa'))).sort();
      await writeFile(path.join(dir, 'qa', files[1]), 'garbage');
      const supervisor = new Supervisor({ checkpointStore: store, logger: silentLogger, clock: new ManualClock() });
      const events: CorruptedEvent[] = [];
      supervisor.registry.on('corrupted', (event) => events.push(event));
      const ref = await supervisor.startChild({ id: 'qa', start: workerFactory().start });
      await expect(ref.forward({ n: 10 })).resolves.toMatchObject({ value: 11 });
      expect(events).toEqual([
        expect.objectContaining({ type: 'corrupted', id: 'qa', version: '1', error: expect.objectContaining({ code: 'CHECKPOINT_CORRUPT' }) }),
      ]);
    });

    it('falls back past a corrupt file and a rejected state to the last good checkpoint', async () => {
      const store = new FileCheckpointStore(dir);
      await store.save('qa', { id: 'qa', version: '1', state: { parameters: { offset: 7 } }, createdAt: 1 });
      await store.save('qa', { id: 'qa', version: '1', state: { parameters: { offset: 'wrong type' } }, createdAt: 2 });
      await store.save('qa', { id: 'qa', version: '1', state: { parameters: { offset: 8 } }, createdAt: 3 });
      const files = (await readdir(path.join(dir, 'qa'))).sort();
      await writeFile(path.join(dir, 'qa', files[2]), 'garbage');
      const supervisor = new Supervisor({ checkpointStore: store, logger: silentLogger, clock: new ManualClock() });
      const events: CorruptedEvent[] = [];
      supervisor.registry.on('corrupted', (event) => events.push(event));
      const ref = await supervisor.startChild({ id: 'qa', start: workerFactory().start, checkpoint: 'manual' });
      await expect(ref.forward({ n: 10 })).resolves.toMatchObject({ value: 17 });
      expect(events.length).toBeGreaterThanOrEqual(2);
      expect(events.every((event) => event.error.code === 'CHECKPOINT_CORRUPT')).toBe(true);
    });

    it('starts fresh when no checkpoint is good', async () => {
      const store = new FileCheckpointStore(dir);
      await store.save('qa', { id: 'qa', version: '1', state: { parameters: { offset: 9 } }, createdAt: 0 });
      const [file] = await readdir(path.join(dir, 'qa'));
      await writeFile(path.join(dir, 'qa', file), '');
      const supervisor = new Supervisor({ checkpointStore: store, logger: silentLogger, clock: new ManualClock() });
      const ref = await supervisor.startChild({ id: 'qa', start: workerFactory().start });
      await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 1 });
    });

    it('rejects a child id that would leave the directory at startChild', async () => {
      const supervisor = new Supervisor({ checkpointStore: new FileCheckpointStore(dir), logger: silentLogger, clock: new ManualClock() });
      await expect(supervisor.startChild({ id: '../escape', start: workerFactory().start })).rejects.toMatchObject({
        code: 'CHILD_SPEC_INVALID',
        details: { field: 'id' },
      });
      expect(supervisor.registry.lookup('../escape')).toBeUndefined();
    });

    it('writes checkpoints on change through the supervisor', async () => {
      const store = new FileCheckpointStore(dir);
      const supervisor = new Supervisor({ checkpointStore: store, logger: silentLogger, clock: new ManualClock() });
      const ref = await supervisor.startChild({ id: 'qa', start: workerFactory().start });
      await ref.setParameter('offset', 12);
      await supervisor.stop();
      await expect(store.load('qa')).resolves.toMatchObject({ state: { parameters: { offset: 12 } } });
    });
  });
});
