import { Supervisor } from '../../lib/runtime/supervisor';
import { Deferred, ManualClock, Worker, settle, silentLogger, workerFactory } from '../helpers/runtime-support';

function newSupervisor(options: ConstructorParameters<typeof Supervisor>[0] = {}): Supervisor {
  return new Supervisor({ logger: silentLogger, clock: new ManualClock(), ...options });
}

describe('Supervisor', () => {
  describe('startChild and forward', () => {
    it('returns a ref that forwards calls to the started instance', async () => {
      const supervisor = newSupervisor();
      const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
      const prediction = await ref.forward({ n: 41 });
      expect(prediction.value).toBe(41);
      expect(ref.status).toBe('running');
      expect(ref.version).toBe('1');
    });

    it('rejects input that is not an object with INPUT_INVALID and counts no crash', async () => {
      const supervisor = newSupervisor();
      const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
      await expect(ref.forward('hello' as never)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
      await expect(ref.forward({ n: 1 }, { timeoutMs: -1 })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
      expect(ref.metrics()).toMatchObject({ calls: 0, restarts: 0 });
    });

    it('rejects a start that throws with MODULE_CRASHED and adds no child', async () => {
      const supervisor = newSupervisor();
      await expect(
        supervisor.startChild({
          id: 'broken',
          start: () => {
            throw new Error('no model');
          },
        }),
      ).rejects.toMatchObject({ code: 'MODULE_CRASHED', details: { id: 'broken', phase: 'start' } });
      expect(supervisor.registry.lookup('broken')).toBeUndefined();
    });

    it('rejects a start that returns something other than a Module with CHILD_SPEC_INVALID', async () => {
      const supervisor = newSupervisor();
      await expect(supervisor.startChild({ id: 'odd', start: () => ({}) as never })).rejects.toMatchObject({
        code: 'CHILD_SPEC_INVALID',
        details: { field: 'start' },
      });
    });
  });

  describe('crashes', () => {
    it('rejects the crashing call with MODULE_CRASHED carrying the cause, and serves the next call on a fresh instance', async () => {
      const factory = workerFactory();
      const supervisor = newSupervisor();
      const ref = await supervisor.startChild({ id: 'worker', start: factory.start });
      const error = await ref.forward({ crash: true }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'MODULE_CRASHED', details: { id: 'worker' } });
      expect((error as Error).cause).toBeInstanceOf(Error);
      expect(((error as Error).cause as Error).message).toContain(`instance ${factory.instances[0].instance}`);
      const next = await ref.forward({ n: 2 });
      expect(factory.instances).toHaveLength(2);
      expect(next.instance).toBe(factory.instances[1].instance);
      expect(ref.metrics()).toMatchObject({ restarts: 1, calls: 2, successes: 1, failures: 1 });
    });

    it('runs calls queued behind a crash on the new instance, each exactly once', async () => {
      const factory = workerFactory();
      const supervisor = newSupervisor();
      const ref = await supervisor.startChild({ id: 'worker', start: factory.start, concurrency: 1 });
      const gate = new Deferred();
      const crashing = ref.forward({ gate, crash: true });
      const queued = [1, 2, 3].map((n) => ref.forward({ n }));
      gate.resolve();
      await expect(crashing).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
      const results = await Promise.all(queued);
      expect(results.map((result) => result.value)).toEqual([1, 2, 3]);
      expect(results.every((result) => result.instance === factory.instances[1].instance)).toBe(true);
      expect(factory.instances[0].served).toEqual([]);
      expect(factory.instances[1].served).toEqual([1, 2, 3]);
    });

    it('lets calls already running on the crashed instance finish there', async () => {
      const factory = workerFactory();
      const supervisor = newSupervisor();
      const ref = await supervisor.startChild({ id: 'worker', start: factory.start, concurrency: 4 });
      const slow = new Deferred();
      const running = ref.forward({ gate: slow, n: 7 });
      await settle();
      await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
      slow.resolve();
      const result = await running;
      expect(result.value).toBe(7);
      expect(result.instance).toBe(factory.instances[0].instance);
      expect(ref.metrics().restarts).toBe(1);
    });

    it('restarts an instance once even when several of its running calls fail', async () => {
      const factory = workerFactory();
      const supervisor = newSupervisor();
      const ref = await supervisor.startChild({ id: 'worker', start: factory.start, concurrency: 4 });
      const gate = new Deferred();
      const calls = [ref.forward({ gate, crash: true }), ref.forward({ gate, crash: true }), ref.forward({ gate, crash: true })];
      await settle();
      gate.resolve();
      const outcomes = await Promise.allSettled(calls);
      expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
      await settle();
      expect(factory.instances).toHaveLength(2);
      expect(ref.metrics().restarts).toBe(1);
    });

    it('keeps a crash in one child from touching its siblings under one_for_one', async () => {
      const supervisor = newSupervisor();
      const left = workerFactory();
      const right = workerFactory();
      const leftRef = await supervisor.startChild({ id: 'left', start: left.start });
      const rightRef = await supervisor.startChild({ id: 'right', start: right.start });
      await expect(leftRef.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
      await settle();
      expect((await rightRef.forward({ n: 1 })).instance).toBe(right.instances[0].instance);
      expect(right.instances).toHaveLength(1);
      expect(supervisor.status).toBe('running');
    });
  });
});

describe('Supervisor.stop', () => {
  it('with drain, finishes accepted calls (queued ones included) before stopping children in reverse start order', async () => {
    const supervisor = newSupervisor();
    const stopped: string[] = [];
    supervisor.registry.on('stopped', (event) => stopped.push(event.id));
    const first = await supervisor.startChild({ id: 'first', start: () => new Worker() });
    const second = await supervisor.startChild({ id: 'second', start: () => new Worker(), concurrency: 1 });
    const gate = new Deferred();
    const running = second.forward({ gate, n: 1 });
    const queued = second.forward({ n: 2 });
    await settle();
    const stopping = supervisor.stop({ drain: true });
    expect(supervisor.status).toBe('stopping');
    await expect(first.forward({ n: 3 })).rejects.toMatchObject({ code: 'SUPERVISOR_STOPPED' });
    gate.resolve();
    await expect(running).resolves.toMatchObject({ value: 1 });
    await expect(queued).resolves.toMatchObject({ value: 2 });
    await stopping;
    expect(supervisor.status).toBe('stopped');
    expect(stopped).toEqual(['second', 'first']);
    await expect(second.forward({ n: 4 })).rejects.toMatchObject({ code: 'SUPERVISOR_STOPPED' });
  });

  it('without drain, rejects waiting calls with SUPERVISOR_STOPPED and lets running ones finish', async () => {
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker(), concurrency: 1 });
    const gate = new Deferred();
    const running = ref.forward({ gate, n: 1 });
    const queued = ref.forward({ n: 2 });
    await settle();
    const stopping = supervisor.stop();
    await expect(queued).rejects.toMatchObject({ code: 'SUPERVISOR_STOPPED' });
    gate.resolve();
    await expect(running).resolves.toMatchObject({ value: 1 });
    await stopping;
  });

  it('waits at most shutdownMs for a draining child, then aborts its calls', async () => {
    const clock = new ManualClock();
    const supervisor = new Supervisor({ logger: silentLogger, clock });
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker(), shutdownMs: 1000 });
    const hung = ref.forward({ hang: true });
    await settle();
    const stopping = supervisor.stop({ drain: true });
    await settle();
    clock.advance(999);
    await settle();
    expect(ref.metrics().running).toBe(1);
    clock.advance(1);
    await expect(hung).rejects.toMatchObject({ code: 'SUPERVISOR_STOPPED' });
    await stopping;
    expect(supervisor.status).toBe('stopped');
  });

  it('keeps serving calls children make to each other while draining', async () => {
    const supervisor = newSupervisor();
    const base = await supervisor.startChild({ id: 'base', start: () => new Worker() });
    const gate = new Deferred();
    const top = await supervisor.startChild({
      id: 'top',
      dependsOn: ['base'],
      start: () => {
        const worker = new Worker();
        worker.forward = async (inputs) => {
          await gate.promise;
          return base.forward({ n: Number(inputs.n) * 2 });
        };
        return worker;
      },
    });
    const call = top.forward({ n: 21 });
    await settle();
    const stopping = supervisor.stop({ drain: true });
    gate.resolve();
    await expect(call).resolves.toMatchObject({ value: 42 });
    await stopping;
  });

  it('rejects startChild after stop with SUPERVISOR_STOPPED', async () => {
    const supervisor = newSupervisor();
    await supervisor.stop();
    await expect(supervisor.startChild({ id: 'late', start: () => new Worker() })).rejects.toMatchObject({ code: 'SUPERVISOR_STOPPED' });
  });
});

describe('Supervisor status', () => {
  it('goes from escalated to stopped on stop()', async () => {
    const supervisor = newSupervisor({ maxRestarts: 0 });
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    expect(supervisor.status).toBe('escalated');
    await supervisor.stop();
    expect(supervisor.status).toBe('stopped');
    await expect(ref.forward({ n: 1 })).rejects.toMatchObject({ code: 'SUPERVISOR_STOPPED' });
  });

  it('rejects bad stop options with CONFIGURATION_INVALID and keeps running', async () => {
    const supervisor = newSupervisor();
    await expect(supervisor.stop({ drain: 'yes' } as never)).rejects.toMatchObject({ code: 'CONFIGURATION_INVALID' });
    expect(supervisor.status).toBe('running');
  });
});
