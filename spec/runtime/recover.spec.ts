import { MemoryCheckpointStore } from '../../lib/runtime/memory-checkpoint-store';
import type { RegistryEvent } from '../../lib/runtime/registry-event';
import { Supervisor } from '../../lib/runtime/supervisor';
import { Deferred, ManualClock, Worker, settle, silentLogger, workerFactory } from '../helpers/runtime-support';

/** Crashes `id` until the supervisor escalates and has stopped its children. */
async function escalate(supervisor: Supervisor, id: string): Promise<void> {
  const escalated = new Promise<void>((resolve) => {
    const unsubscribe = supervisor.registry.on('escalated', () => {
      unsubscribe();
      resolve();
    });
  });
  while (supervisor.status === 'running') {
    await supervisor.registry
      .lookup(id)!
      .forward({ crash: true })
      .catch(() => undefined);
  }
  await escalated;
}

describe('Supervisor.recover', () => {
  it('restarts the children in start order, resets the intensity window, keeps restart counts, and emits recovered', async () => {
    const clock = new ManualClock();
    const supervisor = new Supervisor({ name: 'root', maxRestarts: 1, withinMs: 5000, logger: silentLogger, clock });
    const events: RegistryEvent[] = [];
    for (const type of ['started', 'recovered', 'escalated'] as const) supervisor.registry.on(type, (event) => events.push(event));
    const first = workerFactory();
    const second = workerFactory();
    await supervisor.startChild({ id: 'first', start: first.start });
    const flaky = await supervisor.startChild({ id: 'second', start: second.start });
    await escalate(supervisor, 'second');
    expect(supervisor.status).toBe('escalated');
    await expect(flaky.forward({ n: 1 })).rejects.toMatchObject({ code: 'SUPERVISOR_ESCALATION' });
    const restartsBefore = flaky.metrics().restarts;
    events.length = 0;

    await supervisor.recover();

    expect(supervisor.status).toBe('running');
    expect(events.map((event) => `${event.type}:${event.id}`)).toEqual(['started:first', 'started:second', 'recovered:root']);
    expect(supervisor.registry.list().map((row) => [row.id, row.status])).toEqual([
      ['first', 'running'],
      ['second', 'running'],
    ]);
    expect(flaky.metrics().restarts).toBe(restartsBefore);
    await expect(flaky.forward({ n: 2 })).resolves.toMatchObject({ value: 2, instance: second.instances[second.instances.length - 1].instance });
    // A fresh window: one crash (maxRestarts: 1) restarts the child instead of escalating again.
    await expect(flaky.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await expect(flaky.forward({ n: 3 })).resolves.toMatchObject({ value: 3 });
    expect(supervisor.status).toBe('running');
  });

  it('resumes each child from its checkpoint', async () => {
    const supervisor = new Supervisor({ maxRestarts: 0, checkpointStore: new MemoryCheckpointStore(), logger: silentLogger, clock: new ManualClock() });
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await ref.setParameter('offset', 40);
    await settle();
    await escalate(supervisor, 'worker');
    await supervisor.recover();
    await expect(ref.forward({ n: 2 })).resolves.toMatchObject({ value: 42 });
  });

  it('makes calls that arrive during the recovery wait for it', async () => {
    const supervisor = new Supervisor({ maxRestarts: 0, logger: silentLogger, clock: new ManualClock() });
    const gate = new Deferred<Worker>();
    let starts = 0;
    const ref = await supervisor.startChild({ id: 'worker', start: () => (++starts === 1 ? new Worker() : gate.promise) });
    await escalate(supervisor, 'worker');
    const recovering = supervisor.recover();
    const waiting = ref.forward({ n: 5 });
    await settle();
    gate.resolve(new Worker());
    await recovering;
    await expect(waiting).resolves.toMatchObject({ value: 5 });
  });

  it('does nothing while running, and rejects with SUPERVISOR_STOPPED once stopped', async () => {
    const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    const recovered = jest.fn();
    supervisor.registry.on('recovered', recovered);
    await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await supervisor.recover();
    expect(recovered).not.toHaveBeenCalled();
    await supervisor.stop();
    await expect(supervisor.recover()).rejects.toMatchObject({ code: 'SUPERVISOR_STOPPED' });
  });

  it('does not restart a child that was terminated before the escalation', async () => {
    const supervisor = new Supervisor({ maxRestarts: 0, logger: silentLogger, clock: new ManualClock() });
    await supervisor.startChild({ id: 'parked', start: () => new Worker() });
    await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await supervisor.terminateChild('parked');
    await escalate(supervisor, 'worker');
    await supervisor.recover();
    expect(supervisor.registry.list().map((row) => [row.id, row.status])).toEqual([
      ['parked', 'stopped'],
      ['worker', 'running'],
    ]);
  });
});

describe('recoverAfterMs', () => {
  it('recovers automatically that long after an escalation, on the supervisor clock', async () => {
    const clock = new ManualClock();
    const supervisor = new Supervisor({ name: 'auto', maxRestarts: 0, recoverAfterMs: 30_000, logger: silentLogger, clock });
    const recovered = new Promise<string>((resolve) => supervisor.registry.on('recovered', (event) => resolve(event.id)));
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await escalate(supervisor, 'worker');
    clock.advance(29_999);
    await settle();
    expect(supervisor.status).toBe('escalated');
    clock.advance(1);
    await expect(recovered).resolves.toBe('auto');
    expect(supervisor.status).toBe('running');
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 1 });
  });

  it('leaves no timer behind when the supervisor stops first', async () => {
    const clock = new ManualClock();
    const supervisor = new Supervisor({ maxRestarts: 0, recoverAfterMs: 1000, logger: silentLogger, clock });
    await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await escalate(supervisor, 'worker');
    expect(clock.pendingTimers).toBe(1);
    await supervisor.stop();
    expect(clock.pendingTimers).toBe(0);
    expect(supervisor.status).toBe('stopped');
  });

  it.each([0, -1, 2 ** 31, Infinity, '5s'])('rejects recoverAfterMs %p with CONFIGURATION_INVALID', (recoverAfterMs) => {
    expect(() => new Supervisor({ recoverAfterMs: recoverAfterMs as number })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: expect.objectContaining({ option: 'recoverAfterMs' }) }),
    );
  });
});
