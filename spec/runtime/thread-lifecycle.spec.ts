import { ChildSpecError, HotSwapError, SupervisorStoppedError } from '../../lib/errors';
import type { Prediction } from '../../lib/primitives/prediction';
import { Supervisor } from '../../lib/runtime/supervisor';
import { liveThreadCount } from '../../lib/runtime/thread-module';
import { silentLogger } from '../helpers/runtime-support';
import { COUNTER_MODULE, startCounter } from '../helpers/thread-support';

/** Hot swap, stop and child control end threads cleanly: once they settle, no worker thread is left. */
describe('isolation: thread — hot swap and stop', () => {
  let supervisor: Supervisor;

  beforeEach(() => {
    supervisor = new Supervisor({ logger: silentLogger });
  });

  afterEach(async () => {
    await supervisor.stop();
    expect(liveThreadCount()).toBe(0);
  });

  it('hot-swaps to a new class in a new thread: each call runs once, state migrates, the old thread ends', async () => {
    const ref = await startCounter(supervisor, { args: [3] });
    const before = await ref.forward({ action: 'echo' });
    const calls: Promise<Prediction>[] = [];
    for (let index = 0; index < 20; index += 1) calls.push(ref.forward({ action: 'echo', text: index }));
    const swap = supervisor.hotSwap('counter', {
      start: { module: COUNTER_MODULE, export: 'CounterV2' },
      version: '2',
      migrate: (state) => state,
    });
    for (let index = 20; index < 40; index += 1) calls.push(ref.forward({ action: 'echo', text: index }));
    const answers = await Promise.all(calls);
    await swap;
    expect(answers.map((answer) => answer.answer)).toEqual([...Array(40).keys()]);
    const after = await ref.forward({ action: 'echo' });
    expect(after).toMatchObject({ label: 'v2' });
    expect(after.threadId).not.toBe(before.threadId);
    expect(ref.version).toBe('2');
    expect(await ref.getParameter('count')).toBe(3);
    expect(liveThreadCount()).toBeLessThanOrEqual(2);
  });

  it('a swap whose migrate throws keeps the old thread serving and ends the new one', async () => {
    const ref = await startCounter(supervisor);
    const before = await ref.forward({ action: 'echo' });
    const swap = supervisor.hotSwap('counter', {
      start: { module: COUNTER_MODULE, export: 'CounterV2' },
      version: '2',
      migrate: () => {
        throw new Error('cannot migrate');
      },
    });
    await expect(swap).rejects.toBeInstanceOf(HotSwapError);
    expect(liveThreadCount()).toBe(1);
    expect((await ref.forward({ action: 'echo' })).threadId).toBe(before.threadId);
  });

  it('a thread-isolated child swaps only to a thread start', async () => {
    await startCounter(supervisor);
    await expect(supervisor.hotSwap('counter', { start: () => ({}) as never, version: '2' })).rejects.toBeInstanceOf(ChildSpecError);
  });

  it('stop ends a thread stuck in a CPU-bound call once shutdownMs has passed', async () => {
    const ref = await startCounter(supervisor, { shutdownMs: 100 });
    await ref.forward({ action: 'echo' });
    const spinning = ref.forward({ action: 'spin' }).catch((error: unknown) => error);
    await supervisor.stop();
    expect(await spinning).toBeInstanceOf(SupervisorStoppedError);
    expect(liveThreadCount()).toBe(0);
  });

  it('stop with drain lets a running call finish in its thread first', async () => {
    const ref = await startCounter(supervisor);
    await ref.forward({ action: 'echo' });
    const sleeping = ref.forward({ action: 'sleep', ms: 50 });
    await supervisor.stop({ drain: true });
    expect((await sleeping).answer).toBe('slept');
    expect(liveThreadCount()).toBe(0);
  });

  it('terminateChild ends the thread; restartChild starts a new one', async () => {
    const ref = await startCounter(supervisor);
    const before = await ref.forward({ action: 'echo' });
    await supervisor.terminateChild('counter');
    expect(liveThreadCount()).toBe(0);
    await supervisor.restartChild('counter');
    expect(liveThreadCount()).toBe(1);
    expect((await ref.forward({ action: 'echo' })).threadId).not.toBe(before.threadId);
  });
});
