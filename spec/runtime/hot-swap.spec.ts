import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { Parameter } from '../../lib/decorators/parameter';
import { MemoryCheckpointStore } from '../../lib/runtime/memory-checkpoint-store';
import type { SwappedEvent } from '../../lib/runtime/registry-event';
import { Supervisor } from '../../lib/runtime/supervisor';
import { Deferred, ManualClock, Worker, settle, silentLogger } from '../helpers/runtime-support';

/** Records every key it serves; answers after a few turns so calls overlap the swap. */
class Keyed extends Module {
  @Parameter() scale = 1;
  readonly keys: number[] = [];

  constructor(readonly label: string) {
    super();
  }

  async forward(inputs: Record<string, unknown>): Promise<Prediction> {
    const key = Number(inputs.key);
    this.keys.push(key);
    await Promise.resolve();
    await Promise.resolve();
    return new Prediction({ key, served: this.label, value: key * this.scale });
  }
}

describe('Supervisor.hotSwap', () => {
  it('runs each of 600 concurrent calls exactly once, on the old or the new instance', async () => {
    const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    const old = new Keyed('v1');
    const next = new Keyed('v2');
    const ref = await supervisor.startChild({ id: 'keyed', start: () => old, concurrency: 32 });
    const total = 600;
    const calls: Promise<Prediction>[] = [];
    for (let key = 0; key < total / 2; key += 1) calls.push(ref.forward({ key }));
    const swap = supervisor.hotSwap('keyed', { start: () => next, version: '2' });
    for (let key = total / 2; key < total; key += 1) calls.push(ref.forward({ key }));
    const outcomes = await Promise.allSettled(calls);
    await swap;
    const answered = outcomes.map((outcome) => (outcome.status === 'fulfilled' ? Number(outcome.value.key) : -1));
    expect(answered).toEqual(Array.from({ length: total }, (_, key) => key));
    const served = [...old.keys, ...next.keys].sort((left, right) => left - right);
    expect(served).toEqual(Array.from({ length: total }, (_, key) => key));
    expect(old.keys.length).toBeGreaterThan(0);
    expect(next.keys.length).toBeGreaterThan(0);
    expect(ref.version).toBe('2');
    expect(ref.metrics()).toMatchObject({ calls: total, successes: total, failures: 0 });
  });

  it('calls migrate once with the old state and version, loads the result, and emits swapped', async () => {
    const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    const events: SwappedEvent[] = [];
    supervisor.registry.on('swapped', (event) => events.push(event));
    const ref = await supervisor.startChild({ id: 'keyed', start: () => new Keyed('v1'), version: 'a' });
    await ref.setParameter('scale', 3);
    const migrate = jest.fn((state: Record<string, unknown>, fromVersion: string) => {
      expect(fromVersion).toBe('a');
      const parameters = state.parameters as { scale: number };
      return { parameters: { scale: parameters.scale * 10 } };
    });
    await supervisor.hotSwap('keyed', { start: () => new Keyed('v2'), version: 'b', migrate });
    expect(migrate).toHaveBeenCalledTimes(1);
    expect(migrate.mock.calls[0][0]).toEqual({ parameters: { scale: 3 } });
    await expect(ref.forward({ key: 2 })).resolves.toMatchObject({ served: 'v2', value: 60 });
    expect(events).toEqual([{ type: 'swapped', id: 'keyed', version: 'b', fromVersion: 'a' }]);
  });

  it('starts the new instance as built when there is no migrate', async () => {
    const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    const ref = await supervisor.startChild({ id: 'keyed', start: () => new Keyed('v1') });
    await ref.setParameter('scale', 5);
    await supervisor.hotSwap('keyed', { start: () => new Keyed('v2'), version: '2' });
    await expect(ref.forward({ key: 2 })).resolves.toMatchObject({ served: 'v2', value: 2 });
  });

  it.each([
    [
      'start throws',
      {
        start: () => {
          throw new Error('cannot build v2');
        },
      },
    ],
    [
      'migrate throws',
      {
        start: () => new Keyed('v2'),
        migrate: () => {
          throw new Error('cannot map state');
        },
      },
    ],
    ['loadState rejects the migrated state', { start: () => new Keyed('v2'), migrate: () => ({ parameters: { scale: 'big' } }) }],
  ])('rejects with HOT_SWAP_FAILED when %s, and the old instance keeps serving', async (_label, options) => {
    const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    const ref = await supervisor.startChild({ id: 'keyed', start: () => new Keyed('v1') });
    const during = ref.forward({ key: 1 });
    await expect(supervisor.hotSwap('keyed', { version: '2', ...options })).rejects.toMatchObject({
      code: 'HOT_SWAP_FAILED',
      details: { id: 'keyed', version: '1' },
    });
    await expect(during).resolves.toMatchObject({ served: 'v1' });
    await expect(ref.forward({ key: 2 })).resolves.toMatchObject({ served: 'v1' });
    expect(ref.version).toBe('1');
  });

  it('uses the new start and version for later restarts, resuming the new version’s checkpoint', async () => {
    const store = new MemoryCheckpointStore();
    const supervisor = new Supervisor({ checkpointStore: store, logger: silentLogger, clock: new ManualClock() });
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await ref.setParameter('offset', 2);
    let v2Starts = 0;
    await supervisor.hotSwap('worker', {
      start: () => {
        v2Starts += 1;
        return new Worker();
      },
      version: '2',
      migrate: (state) => state,
    });
    await settle();
    expect(await store.load('worker')).toMatchObject({ version: '2', state: { parameters: { offset: 2 } } });
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 3 });
    expect(v2Starts).toBe(2);
    expect(ref.version).toBe('2');
  });

  it('waits for a restart in progress and swaps the restarted instance', async () => {
    const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    const gate = new Deferred<Worker>();
    let starts = 0;
    const ref = await supervisor.startChild({
      id: 'worker',
      start: () => {
        starts += 1;
        return starts === 1 ? new Worker() : gate.promise;
      },
    });
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    const swap = supervisor.hotSwap('worker', { start: () => new Worker(), version: '2' });
    await settle();
    expect(ref.version).toBe('1');
    gate.resolve(new Worker());
    await swap;
    expect(ref.version).toBe('2');
    expect(ref.status).toBe('running');
  });

  it('rejects a stopped child and bad options', async () => {
    const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await expect(supervisor.hotSwap('worker', { start: () => new Worker(), version: '' })).rejects.toMatchObject({
      code: 'CHILD_SPEC_INVALID',
      details: { field: 'version' },
    });
    await supervisor.terminateChild('worker');
    await expect(supervisor.hotSwap('worker', { start: () => new Worker(), version: '2' })).rejects.toMatchObject({ code: 'HOT_SWAP_FAILED' });
  });
});
