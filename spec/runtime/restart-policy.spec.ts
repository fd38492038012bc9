import { shouldRestart } from '../../lib/runtime/restart-policy';
import { Supervisor } from '../../lib/runtime/supervisor';
import type { RegistryEvent } from '../../lib/runtime/registry-event';
import { ManualClock, settle, silentLogger, workerFactory } from '../helpers/runtime-support';

async function childWith(restart: 'permanent' | 'transient' | 'temporary') {
  const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
  const events: RegistryEvent[] = [];
  for (const type of ['crashed', 'restarted', 'stopped'] as const) supervisor.registry.on(type, (event) => events.push(event));
  const factory = workerFactory();
  const ref = await supervisor.startChild({ id: 'worker', start: factory.start, restart });
  return { supervisor, ref, factory, events };
}

describe('shouldRestart', () => {
  it.each([
    ['permanent', 'crashed', true],
    ['permanent', 'normal', true],
    ['permanent', 'cancelled', false],
    ['transient', 'crashed', true],
    ['transient', 'normal', false],
    ['transient', 'cancelled', false],
    ['temporary', 'crashed', false],
    ['temporary', 'normal', false],
  ] as const)('%s after a %s exit → %s', (policy, reason, expected) => {
    expect(shouldRestart(policy, reason)).toBe(expected);
  });
});

describe('restart policies', () => {
  it('restarts a permanent child after a crash', async () => {
    const { ref, factory, events } = await childWith('permanent');
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await settle();
    expect(ref.status).toBe('running');
    expect(factory.instances).toHaveLength(2);
    expect(events.map((event) => event.type)).toEqual(['crashed', 'restarted']);
  });

  it('restarts a permanent child that ends itself with ModuleExit', async () => {
    const { ref, factory } = await childWith('permanent');
    await expect(ref.forward({ exit: true })).rejects.toMatchObject({ code: 'MODULE_EXIT', reason: 'normal' });
    await settle();
    expect(ref.status).toBe('running');
    expect(factory.instances).toHaveLength(2);
  });

  it('restarts a transient child after a crash', async () => {
    const { ref, factory } = await childWith('transient');
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await settle();
    expect(ref.status).toBe('running');
    expect(factory.instances).toHaveLength(2);
  });

  it('stops a transient child that ends itself normally, and later calls get CHILD_STOPPED', async () => {
    const { ref, factory, events, supervisor } = await childWith('transient');
    await expect(ref.forward({ exit: true })).rejects.toMatchObject({ code: 'MODULE_EXIT' });
    await settle();
    expect(ref.status).toBe('stopped');
    expect(factory.instances).toHaveLength(1);
    expect(events.map((event) => event.type)).toEqual(['stopped']);
    await expect(ref.forward({ n: 1 })).rejects.toMatchObject({ code: 'CHILD_STOPPED' });
    expect(supervisor.registry.list()).toEqual([{ id: 'worker', version: '1', status: 'stopped', restarts: 0 }]);
  });

  it('never restarts a temporary child, and removes it as OTP does', async () => {
    const { ref, factory, events, supervisor } = await childWith('temporary');
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    expect(supervisor.registry.lookup('worker')).toBeUndefined();
    await settle();
    expect(ref.status).toBe('stopped');
    expect(factory.instances).toHaveLength(1);
    expect(events.map((event) => event.type)).toEqual(['crashed', 'stopped']);
    expect(supervisor.registry.lookup('worker')).toBeUndefined();
  });

  it('does not count a caller cancellation as an exit', async () => {
    const { ref, factory, events } = await childWith('permanent');
    const controller = new AbortController();
    const call = ref.forward({ hang: true }, { signal: controller.signal });
    await settle();
    controller.abort(new Error('caller gave up'));
    await expect(call).rejects.toThrow('caller gave up');
    expect(factory.instances).toHaveLength(1);
    expect(events).toEqual([]);
    expect(ref.metrics()).toMatchObject({ calls: 0, cancelled: 1 });
  });
});
