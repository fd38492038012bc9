import { Prediction } from '../../lib/primitives/prediction';
import { Supervisor } from '../../lib/runtime/supervisor';
import { Deferred, ManualClock, Worker, settle, silentLogger, workerFactory } from '../helpers/runtime-support';

const newSupervisor = (clock = new ManualClock()) => new Supervisor({ logger: silentLogger, clock, maxRestarts: 100 });

/** A Worker that crashes on its first `crashes` calls across all instances. */
function crashingFirst(crashes: number) {
  let remaining = crashes;
  const factory = workerFactory();
  const start = () => {
    const worker = factory.start();
    const forward = worker.forward.bind(worker);
    worker.forward = async (inputs, options) => {
      if (remaining > 0) {
        remaining -= 1;
        throw new Error('transient failure');
      }
      return forward(inputs, options);
    };
    return worker;
  };
  return { start, instances: factory.instances };
}

describe('retries', () => {
  it('re-runs a crashed call on the restarted instance', async () => {
    const supervisor = newSupervisor();
    const flaky = crashingFirst(2);
    const ref = await supervisor.startChild({ id: 'flaky', start: flaky.start, retries: 2 });
    const result = await ref.forward({ n: 9 });
    expect(result.value).toBe(9);
    expect(result.instance).toBe(flaky.instances[2].instance);
    expect(ref.metrics()).toMatchObject({ calls: 1, successes: 1, failures: 0, restarts: 2 });
  });

  it('rejects with MODULE_CRASHED once retries are used up', async () => {
    const supervisor = newSupervisor();
    const flaky = crashingFirst(3);
    const ref = await supervisor.startChild({ id: 'flaky', start: flaky.start, retries: 1 });
    await expect(ref.forward({ n: 1 })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    expect(ref.metrics()).toMatchObject({ calls: 1, failures: 1 });
  });

  it('does not retry a call of a temporary child, which is not restarted', async () => {
    const supervisor = newSupervisor();
    const flaky = crashingFirst(1);
    const ref = await supervisor.startChild({ id: 'flaky', start: flaky.start, retries: 3, restart: 'temporary' });
    await expect(ref.forward({ n: 1 })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    expect(flaky.instances).toHaveLength(1);
  });
});

describe('fallback', () => {
  it('serves a crashed call with the fallback function, which receives the crash', async () => {
    const supervisor = newSupervisor();
    const seen: unknown[] = [];
    const ref = await supervisor.startChild({
      id: 'primary',
      start: () => new Worker(),
      fallback: (inputs, error) => {
        seen.push(error);
        return new Prediction({ value: `fallback for ${String(inputs.n)}` });
      },
    });
    await expect(ref.forward({ n: 1, crash: true })).resolves.toMatchObject({ value: 'fallback for 1' });
    expect(seen[0]).toMatchObject({ code: 'MODULE_CRASHED' });
    expect(ref.metrics()).toMatchObject({ calls: 1, successes: 0, failures: 1, fallbacks: 1 });
    expect(ref.history()).toEqual([expect.objectContaining({ outcome: 'fallback', errorCode: 'MODULE_CRASHED' })]);
  });

  it('serves calls with another child while the child is restarting', async () => {
    const supervisor = newSupervisor();
    const backup = await supervisor.startChild({ id: 'backup', start: () => new Worker() });
    const gate = new Deferred<Worker>();
    const flaky = crashingFirst(1);
    let starts = 0;
    const ref = await supervisor.startChild({
      id: 'primary',
      start: () => {
        starts += 1;
        return starts === 1 ? flaky.start() : gate.promise;
      },
      fallback: { child: 'backup' },
    });
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 1 });
    expect(ref.status).toBe('restarting');
    await expect(ref.forward({ n: 2 })).resolves.toMatchObject({ value: 2 });
    expect(backup.metrics().successes).toBe(2);
    gate.resolve(new Worker());
    await settle();
    expect(ref.status).toBe('running');
    expect(ref.metrics()).toMatchObject({ calls: 2, fallbacks: 2 });
  });

  it('serves calls to a stopped child', async () => {
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'primary', start: () => new Worker(), fallback: () => new Prediction({ value: 'spare' }) });
    await supervisor.terminateChild('primary');
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 'spare' });
    expect(ref.history(1)[0]).toMatchObject({ outcome: 'fallback', errorCode: 'CHILD_STOPPED' });
  });

  it('rejects with the original error when the fallback itself fails', async () => {
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({
      id: 'primary',
      start: () => new Worker(),
      fallback: () => {
        throw new Error('fallback broken too');
      },
    });
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    expect(ref.metrics()).toMatchObject({ calls: 1, failures: 1, fallbacks: 0 });
  });
});

describe('child control', () => {
  it('terminateChild stops a child without restarting it; restartChild starts it again', async () => {
    const supervisor = newSupervisor();
    const factory = workerFactory();
    const ref = await supervisor.startChild({ id: 'worker', start: factory.start });
    await supervisor.terminateChild('worker');
    expect(ref.status).toBe('stopped');
    await expect(ref.forward({ n: 1 })).rejects.toMatchObject({ code: 'CHILD_STOPPED' });
    await settle();
    expect(factory.instances).toHaveLength(1);
    const again = await supervisor.restartChild('worker');
    expect(again).toBe(ref);
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 1, instance: factory.instances[1].instance });
  });

  it('terminateChild rejects waiting calls with CHILD_STOPPED and lets running ones finish', async () => {
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker(), concurrency: 1 });
    const gate = new Deferred();
    const running = ref.forward({ gate, n: 1 });
    const waiting = ref.forward({ n: 2 });
    await settle();
    const terminated = supervisor.terminateChild('worker');
    await expect(waiting).rejects.toMatchObject({ code: 'CHILD_STOPPED' });
    gate.resolve();
    await expect(running).resolves.toMatchObject({ value: 1 });
    await terminated;
  });

  it('terminateChild aborts calls still running after shutdownMs', async () => {
    const clock = new ManualClock();
    const supervisor = newSupervisor(clock);
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker(), shutdownMs: 200 });
    const running = ref.forward({ hang: true });
    await settle();
    const terminated = supervisor.terminateChild('worker');
    await settle();
    clock.advance(200);
    await expect(running).rejects.toMatchObject({ code: 'CHILD_STOPPED' });
    await terminated;
    expect(ref.metrics()).toMatchObject({ cancelled: 1, restarts: 0 });
  });

  it('restartChild and deleteChild refuse a running child with CHILD_EXISTS', async () => {
    const supervisor = newSupervisor();
    await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await expect(supervisor.restartChild('worker')).rejects.toMatchObject({ code: 'CHILD_EXISTS', details: { status: 'running' } });
    await expect(supervisor.deleteChild('worker')).rejects.toMatchObject({ code: 'CHILD_EXISTS' });
  });

  it('deleteChild removes a terminated child, after which the id is free', async () => {
    const supervisor = newSupervisor();
    await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await supervisor.terminateChild('worker');
    await supervisor.deleteChild('worker');
    expect(supervisor.registry.lookup('worker')).toBeUndefined();
    await expect(supervisor.startChild({ id: 'worker', start: () => new Worker() })).resolves.toMatchObject({ id: 'worker', status: 'running' });
  });

  it('deleteChild refuses a child others depend on', async () => {
    const supervisor = newSupervisor();
    await supervisor.startChild({ id: 'base', start: () => new Worker() });
    await supervisor.startChild({ id: 'top', start: () => new Worker(), dependsOn: ['base'] });
    await supervisor.terminateChild('base');
    await expect(supervisor.deleteChild('base')).rejects.toMatchObject({ code: 'CHILD_SPEC_INVALID', details: { dependents: ['top'] } });
  });

  it('control calls on an unknown id reject with CHILD_NOT_FOUND while lookup returns undefined', async () => {
    const supervisor = newSupervisor();
    expect(supervisor.registry.lookup('ghost')).toBeUndefined();
    await expect(supervisor.terminateChild('ghost')).rejects.toMatchObject({ code: 'CHILD_NOT_FOUND' });
    await expect(supervisor.restartChild('ghost')).rejects.toMatchObject({ code: 'CHILD_NOT_FOUND' });
    await expect(supervisor.deleteChild('ghost')).rejects.toMatchObject({ code: 'CHILD_NOT_FOUND' });
    await expect(supervisor.hotSwap('ghost', { start: () => new Worker(), version: '2' })).rejects.toMatchObject({ code: 'CHILD_NOT_FOUND' });
  });

  it('getParameter and setParameter reach the live instance; setParameter on a stopped child is CHILD_STOPPED', async () => {
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await ref.setParameter('offset', 10);
    await expect(ref.getParameter('offset')).resolves.toBe(10);
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 11 });
    await expect(ref.setParameter('missing', 1)).rejects.toMatchObject({ code: 'PARAMETER_NOT_FOUND' });
    await supervisor.terminateChild('worker');
    await expect(ref.setParameter('offset', 1)).rejects.toMatchObject({ code: 'CHILD_STOPPED' });
    await expect(ref.getParameter('offset')).rejects.toMatchObject({ code: 'CHILD_STOPPED' });
    await expect(ref.checkpoint()).rejects.toMatchObject({ code: 'CHILD_STOPPED' });
  });

  it('sets a parameter right after a crashed call rejects: it waits for the new instance', async () => {
    const factory = workerFactory();
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'worker', start: factory.start });
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    expect(ref.status).toBe('restarting');
    await ref.setParameter('offset', 7);
    expect(factory.instances).toHaveLength(2);
    expect(factory.instances[1].offset).toBe(7);
    await expect(ref.getParameter('offset')).resolves.toBe(7);
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 8, instance: factory.instances[1].instance });
  });

  it('checkpoint and restore issued while the child restarts wait for the new instance', async () => {
    const factory = workerFactory();
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'worker', start: factory.start });
    await ref.setParameter('offset', 3);
    const saved = await ref.checkpoint();
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await ref.restore(saved);
    await expect(ref.getParameter('offset')).resolves.toBe(3);
    await expect(ref.checkpoint()).resolves.toMatchObject({ id: 'worker', state: { parameters: { offset: 3 } } });
  });

  it('rejects parameter access with CHILD_STOPPED when the child does not come back within its timeoutMs', async () => {
    const clock = new ManualClock();
    const supervisor = new Supervisor({ logger: silentLogger, clock });
    const gate = new Deferred<Worker>();
    let starts = 0;
    const ref = await supervisor.startChild({ id: 'worker', timeoutMs: 1000, start: () => (++starts === 1 ? new Worker() : gate.promise) });
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    const pending = ref.getParameter('offset');
    await settle();
    clock.advance(1000);
    await expect(pending).rejects.toMatchObject({ code: 'CHILD_STOPPED', details: { waitedMs: 1000 } });
    gate.resolve(new Worker());
    await expect(ref.getParameter('offset')).resolves.toBe(0);
  });
});
