import { Supervisor } from '../../lib/runtime/supervisor';
import type { RegistryEvent } from '../../lib/runtime/registry-event';
import { ManualClock, Worker, memoryLogger, settle, silentLogger } from '../helpers/runtime-support';

describe('Registry', () => {
  it('looks children up by id and lists them in start order', async () => {
    const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    const b = await supervisor.startChild({ id: 'b', start: () => new Worker(), version: '7' });
    await supervisor.startChild({ id: 'a', start: () => new Worker() });
    expect(supervisor.registry.lookup('b')).toBe(b);
    expect(supervisor.registry.lookup('zzz')).toBeUndefined();
    expect(supervisor.registry.list()).toEqual([
      { id: 'b', version: '7', status: 'running', restarts: 0 },
      { id: 'a', version: '1', status: 'running', restarts: 0 },
    ]);
  });

  it('delivers typed events carrying id and version (and error for failures) until unsubscribed', async () => {
    const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    const events: RegistryEvent[] = [];
    const unsubscribers = (['started', 'crashed', 'restarted', 'stopped'] as const).map((type) => supervisor.registry.on(type, (event) => events.push(event)));
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await settle();
    expect(events).toEqual([
      { type: 'started', id: 'worker', version: '1' },
      { type: 'crashed', id: 'worker', version: '1', error: expect.objectContaining({ code: 'MODULE_CRASHED' }) },
      { type: 'restarted', id: 'worker', version: '1', restarts: 1 },
    ]);
    for (const unsubscribe of unsubscribers) unsubscribe();
    await supervisor.terminateChild('worker');
    expect(events).toHaveLength(3);
  });

  it('rejects an unknown event name with CONFIGURATION_INVALID', () => {
    const supervisor = new Supervisor({ logger: silentLogger });
    expect(() => supervisor.registry.on('exploded' as never, () => undefined)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });

  it('logs a listener that throws and keeps supervising', async () => {
    const { logger, records } = memoryLogger('warn');
    const supervisor = new Supervisor({ logger, clock: new ManualClock() });
    supervisor.registry.on('started', () => {
      throw new Error('listener bug');
    });
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 1 });
    expect(records).toContainEqual(
      expect.objectContaining({ msg: 'registry listener threw', event: 'started', err: expect.objectContaining({ message: 'listener bug' }) }),
    );
  });
});

describe('logging', () => {
  it('logs a crash at warn with its code and the child id, without inputs', async () => {
    const { logger, records } = memoryLogger('info');
    const supervisor = new Supervisor({ logger, clock: new ManualClock(), name: 'main' });
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await expect(ref.forward({ crash: true, secret: 'prompt text' })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await settle();
    const crash = records.find((record) => record.msg === 'child exited; restarting');
    expect(crash).toMatchObject({ level: 40, component: 'supervisor', supervisor: 'main', child: 'worker', code: 'MODULE_CRASHED' });
    expect(JSON.stringify(records)).not.toContain('prompt text');
  });
});
