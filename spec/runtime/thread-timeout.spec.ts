import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ModuleCrashedError } from '../../lib/errors';
import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { Supervisor } from '../../lib/runtime/supervisor';
import { liveThreadCount } from '../../lib/runtime/thread-module';
import { silentLogger } from '../helpers/runtime-support';
import { nextEvent, startCounter } from '../helpers/thread-support';

class Echo extends Module {
  async forward(inputs: Record<string, unknown>): Promise<Prediction> {
    return new Prediction({ answer: inputs.text });
  }
}

/** A call passing its timeoutMs terminates the thread: a CPU-bound forward cannot hold the child or block this thread. */
describe('isolation: thread — timeouts', () => {
  let supervisor: Supervisor;
  let directory: string;

  beforeEach(() => {
    supervisor = new Supervisor({ logger: silentLogger, maxRestarts: 20 });
    directory = mkdtempSync(path.join(os.tmpdir(), 'dspex-thread-'));
  });

  afterEach(async () => {
    await supervisor.stop();
    rmSync(directory, { recursive: true, force: true });
    expect(liveThreadCount()).toBe(0);
  });

  it('terminates a spinning thread at the timeout: that call and the others running on it crash, a new thread serves', async () => {
    const ref = await startCounter(supervisor);
    const other = await supervisor.startChild({ id: 'echo', start: () => new Echo() });
    const first = await ref.forward({ action: 'echo' });
    const crashed = nextEvent(supervisor.registry, 'crashed');
    const restarted = nextEvent(supervisor.registry, 'restarted');
    const order: string[] = [];
    const sleeping = ref.forward({ action: 'sleep', ms: 10 }).catch((error: unknown) => error);
    const spinning = ref.forward({ action: 'spin' }, { timeoutMs: 400 }).catch((error: unknown) => {
      order.push('spin ended');
      return error;
    });
    // This thread stays free while the worker thread spins: another child answers before the timeout.
    expect((await other.forward({ text: 'free' })).answer).toBe('free');
    order.push('other answered');
    const timeout = await spinning;
    expect(order).toEqual(['other answered', 'spin ended']);
    expect(timeout).toBeInstanceOf(ModuleCrashedError);
    expect((timeout as ModuleCrashedError).details).toMatchObject({ reason: 'timeout', timeoutMs: 400 });
    expect((await crashed).error.details).toMatchObject({ reason: 'timeout' });
    // The sleeping call could not finish on the spinning thread: it ends as a crash when the thread is terminated.
    const slept = await sleeping;
    expect(slept).toBeInstanceOf(ModuleCrashedError);
    expect(String((slept as Error).cause)).toContain('was terminated');
    await restarted;
    const after = await ref.forward({ action: 'echo' });
    expect(after.threadId).not.toBe(first.threadId);
    expect(ref.metrics().restarts).toBe(1);
  });

  it('with retries, the timed-out call and the calls terminated with it run again on the new thread', async () => {
    const ref = await startCounter(supervisor, { retries: 1 });
    const first = await ref.forward({ action: 'echo' });
    const sleeping = ref.forward({ action: 'sleep', ms: 10 });
    const spinning = ref.forward({ action: 'spinOnce', marker: path.join(directory, 'marker') }, { timeoutMs: 400 });
    const [slept, spun] = await Promise.all([sleeping, spinning]);
    expect(spun.answer).toBe('second try');
    expect(slept.answer).toBe('slept');
    expect(spun.threadId).not.toBe(first.threadId);
    expect(slept.threadId).toBe(spun.threadId);
    expect(ref.metrics().restarts).toBe(1);
  });

  it("a caller's abort is not a crash: the call rejects with the caller's reason, the thread keeps serving", async () => {
    const ref = await startCounter(supervisor);
    const first = await ref.forward({ action: 'echo' });
    const controller = new AbortController();
    const waiting = ref.forward({ action: 'wait' }, { signal: controller.signal });
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect((await ref.forward({ action: 'echo' })).threadId).toBe(first.threadId);
    expect(ref.metrics().restarts).toBe(0);
  });
});
