import { Supervisor } from '../../lib/runtime/supervisor';
import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { ManualClock, Worker, settle, silentLogger, workerFactory } from '../helpers/runtime-support';

/** Never answers and ignores its signal: only the supervisor's own race can end its calls. */
class Deaf extends Module {
  async forward(): Promise<Prediction> {
    return new Promise<Prediction>(() => undefined);
  }
}

describe('call timeouts and cancellation', () => {
  it('aborts a call that passes timeoutMs, counts it as a crash and restarts the instance', async () => {
    const clock = new ManualClock();
    const supervisor = new Supervisor({ logger: silentLogger, clock });
    const factory = workerFactory();
    const ref = await supervisor.startChild({ id: 'slow', start: factory.start, timeoutMs: 100 });
    const call = ref.forward({ hang: true });
    await settle();
    clock.advance(99);
    await settle();
    expect(ref.metrics().running).toBe(1);
    clock.advance(1);
    const error = await call.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MODULE_CRASHED', details: { reason: 'timeout', timeoutMs: 100 } });
    expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' });
    await settle();
    expect(factory.instances).toHaveLength(2);
    expect(ref.metrics()).toMatchObject({ restarts: 1, failures: 1 });
  });

  it('ends a timed-out call even when the module ignores its signal', async () => {
    const clock = new ManualClock();
    const supervisor = new Supervisor({ logger: silentLogger, clock });
    const ref = await supervisor.startChild({ id: 'deaf', start: () => new Deaf() });
    const call = ref.forward({}, { timeoutMs: 50 });
    await settle();
    clock.advance(50);
    await expect(call).rejects.toMatchObject({ code: 'MODULE_CRASHED', details: { reason: 'timeout' } });
  });

  it('lets the per-call timeoutMs override the child’s', async () => {
    const clock = new ManualClock();
    const supervisor = new Supervisor({ logger: silentLogger, clock });
    const ref = await supervisor.startChild({ id: 'slow', start: () => new Worker(), timeoutMs: 10_000 });
    const call = ref.forward({ hang: true }, { timeoutMs: 20 });
    await settle();
    clock.advance(20);
    await expect(call).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
  });

  it('counts the timeout from when the call starts running, not while it waits', async () => {
    const clock = new ManualClock();
    const supervisor = new Supervisor({ logger: silentLogger, clock });
    const ref = await supervisor.startChild({ id: 'one', start: () => new Worker(), concurrency: 1, timeoutMs: 100 });
    const first = ref.forward({ hang: true }, { timeoutMs: 1000 });
    const second = ref.forward({ n: 5 });
    await settle();
    clock.advance(999);
    await settle();
    clock.advance(1);
    await expect(first).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await expect(second).resolves.toMatchObject({ value: 5 });
  });

  it('rejects a running call with the caller’s signal.reason and passes the abort to the module', async () => {
    const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    const factory = workerFactory();
    const ref = await supervisor.startChild({ id: 'worker', start: factory.start });
    const controller = new AbortController();
    const call = ref.forward({ hang: true }, { signal: controller.signal });
    await settle();
    const reason = new DOMException('user left', 'AbortError');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    await settle();
    expect(factory.instances).toHaveLength(1);
    expect(ref.metrics()).toMatchObject({ calls: 0, cancelled: 1, restarts: 0 });
  });

  it('treats a forward that throws synchronously as a crash', async () => {
    const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    const ref = await supervisor.startChild({
      id: 'plain',
      start: () => {
        const worker = new Worker();
        worker.forward = () => {
          throw new TypeError('not async');
        };
        return worker;
      },
    });
    await expect(ref.forward({})).rejects.toMatchObject({ code: 'MODULE_CRASHED', cause: { name: 'TypeError' } });
  });
});
