import { ChildOverloadedError } from '../../lib/errors';
import { Prediction } from '../../lib/primitives/prediction';
import { Supervisor } from '../../lib/runtime/supervisor';
import { Deferred, ManualClock, Worker, silentLogger } from '../helpers/runtime-support';

function newSupervisor(): Supervisor {
  return new Supervisor({ logger: silentLogger, clock: new ManualClock() });
}

describe('maxQueued', () => {
  it('rejects a call beyond the bound at once with CHILD_OVERLOADED, and serves the accepted ones', async () => {
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker(), concurrency: 1, maxQueued: 2 });
    const gate = new Deferred();
    const running = ref.forward({ gate, n: 0 });
    const waiting = [ref.forward({ n: 1 }), ref.forward({ n: 2 })];
    const error = await ref.forward({ n: 3 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChildOverloadedError);
    expect(error).toMatchObject({ code: 'CHILD_OVERLOADED', details: { id: 'worker', maxQueued: 2, queued: 2, running: 1 } });
    gate.resolve();
    expect((await Promise.all([running, ...waiting])).map((prediction) => prediction.value)).toEqual([0, 1, 2]);
    expect(supervisor.status).toBe('running');
    expect(ref.metrics()).toMatchObject({ calls: 3, successes: 3, failures: 0, rejected: 1, restarts: 0 });
    expect(ref.history().map((entry) => entry.outcome)).toEqual(['rejected', 'success', 'success', 'success']);
    expect(ref.history()[0].errorCode).toBe('CHILD_OVERLOADED');
  });

  it('does not serve a rejected call with the fallback, nor count it in the latency figures', async () => {
    const supervisor = newSupervisor();
    const fallback = jest.fn(() => new Prediction({ value: 'fallback' }));
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker(), concurrency: 1, maxQueued: 0, fallback });
    const gate = new Deferred();
    const running = ref.forward({ gate });
    await expect(ref.forward({ n: 1 })).rejects.toMatchObject({ code: 'CHILD_OVERLOADED' });
    expect(fallback).not.toHaveBeenCalled();
    gate.resolve();
    await running;
    expect(ref.metrics()).toMatchObject({ calls: 1, rejected: 1, fallbacks: 0 });
  });

  it('accepts calls again once the queue drains', async () => {
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker(), concurrency: 1, maxQueued: 1 });
    const gate = new Deferred();
    const first = [ref.forward({ gate }), ref.forward({ n: 1 })];
    await expect(ref.forward({ n: 2 })).rejects.toMatchObject({ code: 'CHILD_OVERLOADED' });
    gate.resolve();
    await Promise.all(first);
    await expect(ref.forward({ n: 3 })).resolves.toMatchObject({ value: 3 });
  });

  it('takes Infinity, and defaults to 10,000', async () => {
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker(), concurrency: 1, maxQueued: Infinity });
    const gate = new Deferred();
    const calls = [ref.forward({ gate }), ...Array.from({ length: 50 }, (_, n) => ref.forward({ n }))];
    expect(ref.metrics().queued).toBe(50);
    gate.resolve();
    await Promise.all(calls);
    await expect(supervisor.startChild({ id: 'bad', start: () => new Worker(), maxQueued: -1 })).rejects.toMatchObject({
      code: 'CHILD_SPEC_INVALID',
      details: { field: 'maxQueued' },
    });
  });
});
