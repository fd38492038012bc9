import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { Supervisor } from '../../lib/runtime/supervisor';
import { systemClock } from '../../lib/runtime/clock';
import { ExecutionQueue } from '../../lib/runtime/execution-queue';
import { Deferred, ManualClock, Worker, settle, silentLogger } from '../helpers/runtime-support';

/** Records how many calls run at once and in which order they start. */
class Probe extends Module {
  running = 0;
  peak = 0;
  readonly order: string[] = [];
  readonly gates: Deferred[] = [];

  async forward(inputs: Record<string, unknown>): Promise<Prediction> {
    this.order.push(String(inputs.label));
    this.running += 1;
    this.peak = Math.max(this.peak, this.running);
    const gate = new Deferred();
    this.gates.push(gate);
    await gate.promise;
    this.running -= 1;
    return new Prediction({ label: inputs.label });
  }

  /** Lets the oldest waiting call finish. */
  releaseOne(): void {
    this.gates.shift()?.resolve();
  }
}

async function probeChild(options: { concurrency?: number; rateLimit?: { intervalMs: number; cap: number } } = {}, clock = new ManualClock()) {
  const supervisor = new Supervisor({ logger: silentLogger, clock });
  const probe = new Probe();
  const ref = await supervisor.startChild({ id: 'probe', start: () => probe, ...options });
  return { supervisor, probe, ref };
}

describe('execution queue', () => {
  it('runs at most `concurrency` calls at once and reports queued and running', async () => {
    const { probe, ref } = await probeChild({ concurrency: 2 });
    const calls = ['a', 'b', 'c', 'd', 'e'].map((label) => ref.forward({ label }));
    await settle();
    expect(probe.running).toBe(2);
    expect(ref.metrics()).toMatchObject({ running: 2, queued: 3 });
    while (probe.gates.length > 0 || probe.order.length < 5) {
      probe.releaseOne();
      await settle(2);
    }
    await Promise.all(calls);
    expect(probe.peak).toBe(2);
    expect(ref.metrics()).toMatchObject({ running: 0, queued: 0, successes: 5 });
  });

  it('starts higher-priority waiting calls first, FIFO within a priority', async () => {
    const { probe, ref } = await probeChild({ concurrency: 1 });
    const calls = [
      ref.forward({ label: 'first' }),
      ref.forward({ label: 'low' }, { priority: 0 }),
      ref.forward({ label: 'high' }, { priority: 5 }),
      ref.forward({ label: 'high-2' }, { priority: 5 }),
    ];
    await settle();
    for (let index = 0; index < 4; index += 1) {
      probe.releaseOne();
      await settle(2);
    }
    await Promise.all(calls);
    expect(probe.order).toEqual(['first', 'high', 'high-2', 'low']);
  });

  it('removes a queued call whose signal aborts, rejecting with the caller’s reason', async () => {
    const { probe, ref } = await probeChild({ concurrency: 1 });
    const first = ref.forward({ label: 'first' });
    const controller = new AbortController();
    const queued = ref.forward({ label: 'queued' }, { signal: controller.signal });
    await settle();
    const reason = new Error('no longer needed');
    controller.abort(reason);
    await expect(queued).rejects.toBe(reason);
    probe.releaseOne();
    await first;
    expect(probe.order).toEqual(['first']);
    expect(ref.metrics()).toMatchObject({ calls: 1, cancelled: 1, queued: 0 });
    expect(ref.history().map((entry) => entry.outcome)).toEqual(['cancelled', 'success']);
  });

  it('rejects a call whose signal is already aborted without queueing it', async () => {
    const { probe, ref } = await probeChild();
    const controller = new AbortController();
    controller.abort('stop');
    await expect(ref.forward({ label: 'x' }, { signal: controller.signal })).rejects.toBe('stop');
    expect(probe.order).toEqual([]);
  });

  describe('rateLimit (jest fake timers drive p-queue)', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });

    afterEach(() => {
      jest.useRealTimers();
    });

    it('starts at most `cap` calls per `intervalMs`', async () => {
      const supervisor = new Supervisor({ logger: silentLogger, clock: systemClock });
      const started: number[] = [];
      const ref = await supervisor.startChild({
        id: 'limited',
        start: () => {
          const worker = new Worker();
          const forward = worker.forward.bind(worker);
          worker.forward = async (inputs) => {
            started.push(Number(inputs.n));
            return forward(inputs);
          };
          return worker;
        },
        rateLimit: { intervalMs: 1000, cap: 2 },
      });
      const calls = [1, 2, 3, 4, 5].map((n) => ref.forward({ n }));
      await jest.advanceTimersByTimeAsync(0);
      expect(started).toEqual([1, 2]);
      await jest.advanceTimersByTimeAsync(1000);
      expect(started).toEqual([1, 2, 3, 4]);
      await jest.advanceTimersByTimeAsync(1000);
      expect(started).toEqual([1, 2, 3, 4, 5]);
      await Promise.all(calls);
      await supervisor.stop();
    });
  });
});

describe('ExecutionQueue', () => {
  it('never runs more than `concurrency` tasks across its direct and waiting paths', async () => {
    const queue = new ExecutionQueue(3, undefined);
    let running = 0;
    let peak = 0;
    const gates: Deferred[] = [];
    const task = async (): Promise<void> => {
      running += 1;
      peak = Math.max(peak, running);
      const gate = new Deferred();
      gates.push(gate);
      await gate.promise;
      running -= 1;
    };
    const all: Promise<void>[] = [];
    for (let round = 0; round < 10; round += 1) {
      for (let index = 0; index < 5; index += 1) all.push(queue.add(task, index % 2, undefined));
      await settle(1);
      gates.splice(0, 2).forEach((gate) => gate.resolve());
      await settle(1);
    }
    while (gates.length > 0 || running > 0) {
      gates.splice(0).forEach((gate) => gate.resolve());
      await settle(1);
    }
    await Promise.all(all);
    expect(peak).toBe(3);
  });

  it('holds every task while paused and starts them on resume', async () => {
    const queue = new ExecutionQueue(2, undefined);
    const started: number[] = [];
    queue.pause();
    const tasks = [1, 2, 3].map((n) => queue.add(async () => void started.push(n), 0, undefined));
    await settle();
    expect(started).toEqual([]);
    queue.resume();
    await Promise.all(tasks);
    expect(started).toEqual([1, 2, 3]);
  });
});
