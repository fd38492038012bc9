import pino from 'pino';
import { ChildOverloadedError, ModuleCrashedError, Module, Parameter, Prediction } from '../../lib';
import { Cluster } from '../../lib/runtime/cluster';
import { RedisCheckpointStore } from '../../lib/runtime/redis-checkpoint-store';
import { describeWithRedis, freePort, startRedisServer, type RedisServer } from '../helpers/redis-server';

const silent = pino({ level: 'silent' });

/** Doubles `n`; waits `delayMs` (honouring its signal); throws a TypeError on `crash`. */
class Doubler extends Module {
  @Parameter() served = 0;

  constructor(readonly tag: string = 'v1') {
    super();
  }

  async forward(inputs: { n: number; delayMs?: number; crash?: boolean }, options?: { signal?: AbortSignal }): Promise<Prediction> {
    if (inputs.crash === true) throw new TypeError('boom');
    if (inputs.delayMs !== undefined) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, inputs.delayMs);
        options?.signal?.addEventListener('abort', () => (clearTimeout(timer), reject(options.signal!.reason)), { once: true });
      });
    }
    this.served += 1;
    return new Prediction({ answer: inputs.n * 2, tag: this.tag });
  }
}

describeWithRedis('Cluster', () => {
  let server: RedisServer;
  let next = 0;
  const open: Cluster[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((cluster) => cluster.close()));
  });

  afterAll(async () => {
    await server.stop();
  });

  /** Clusters on one fresh prefix: each stands for a process (a caller, or a worker). */
  function processes(count: number): Cluster[] {
    const prefix = `cluster${(next += 1)}`;
    const clusters = Array.from({ length: count }, () => new Cluster({ connection: server.url, prefix, supervisor: { logger: silent } }));
    open.push(...clusters);
    return clusters;
  }

  it('runs calls on the workers and resolves each with its Prediction', async () => {
    const [caller, first, second] = processes(3);
    await first.serve({ id: 'team/doubler', start: () => new Doubler(), concurrency: 4 });
    await second.serve({ id: 'team/doubler', start: () => new Doubler(), concurrency: 4 });
    const answers = await Promise.all(Array.from({ length: 30 }, (_, n) => caller.ref('team/doubler').forward({ n, delayMs: 5 })));
    expect(answers.map((answer) => answer.answer)).toEqual(Array.from({ length: 30 }, (_, n) => n * 2));
    expect(answers[0]).toBeInstanceOf(Prediction);
    await expect(caller.metrics('team/doubler')).resolves.toMatchObject({ calls: 30, successes: 30, failures: 0, queued: 0, running: 0 });
  });

  it("rejects with the worker's error rebuilt: same class and code, details kept, cause as text", async () => {
    const [caller, worker] = processes(2);
    await worker.serve({ id: 'doubler', start: () => new Doubler() });
    const error = await caller
      .ref('doubler')
      .forward({ n: 1, crash: true })
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ModuleCrashedError);
    expect(error).toMatchObject({ code: 'MODULE_CRASHED', details: { id: 'doubler', reason: 'error' } });
    expect(String((error as Error).cause)).toContain('TypeError: boom');
    await expect(caller.ref('doubler').forward({ n: 2 })).resolves.toMatchObject({ answer: 4 });
  });

  it('rejects a call whose timeoutMs runs out in the queue with CHILD_OVERLOADED, and never runs it', async () => {
    const [caller, worker] = processes(2);
    await worker.serve({ id: 'doubler', start: () => new Doubler(), concurrency: 1 });
    const ref = caller.ref('doubler');
    const long = ref.forward({ n: 1, delayMs: 1500 });
    const queued = ref.forward({ n: 2 }, { timeoutMs: 200 });
    await expect(queued).rejects.toBeInstanceOf(ChildOverloadedError);
    await expect(queued).rejects.toMatchObject({ code: 'CHILD_OVERLOADED' });
    await expect(long).resolves.toMatchObject({ answer: 2 });
    await expect(ref.metrics()).resolves.toMatchObject({ calls: 1 });
  });

  it('turns a running call that passes its timeoutMs into a crash with reason timeout', async () => {
    const [caller, worker] = processes(2);
    await worker.serve({ id: 'doubler', start: () => new Doubler() });
    await expect(caller.ref('doubler').forward({ n: 1, delayMs: 10_000 }, { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'MODULE_CRASHED',
      details: { reason: 'timeout' },
    });
  });

  it("rejects an aborted call with the caller's reason, whether it waits or runs", async () => {
    const [caller, worker] = processes(2);
    await worker.serve({ id: 'doubler', start: () => new Doubler(), concurrency: 1 });
    const ref = caller.ref('doubler');
    const running = new AbortController();
    const waiting = new AbortController();
    const first = ref.forward({ n: 1, delayMs: 10_000 }, { signal: running.signal });
    const second = ref.forward({ n: 2, delayMs: 10_000 }, { signal: waiting.signal });
    const reason = new Error('no longer needed');
    waiting.abort(reason);
    await expect(second).rejects.toBe(reason);
    // Wait until the first call runs, then cancel it: the worker's signal ends it and the worker is free again.
    for (let metrics = await ref.metrics(); metrics.running === 0; metrics = await ref.metrics()) await new Promise((resolve) => setTimeout(resolve, 20));
    running.abort(reason);
    await expect(first).rejects.toBe(reason);
    await expect(ref.forward({ n: 3 })).resolves.toMatchObject({ answer: 6 });
    await expect(ref.metrics()).resolves.toMatchObject({ calls: 1, cancelled: 1 });
  });

  it('runs waiting calls with a higher priority first', async () => {
    const [caller, worker] = processes(2);
    await worker.serve({ id: 'doubler', start: () => new Doubler(), concurrency: 1 });
    const ref = caller.ref('doubler');
    const order: number[] = [];
    const blocker = ref.forward({ n: 0, delayMs: 300 });
    for (let metrics = await ref.metrics(); metrics.running === 0; metrics = await ref.metrics()) await new Promise((resolve) => setTimeout(resolve, 10));
    const calls = [
      ref.forward({ n: 1 }, { priority: -5 }).then(() => order.push(1)),
      ref.forward({ n: 2 }).then(() => order.push(2)),
      ref.forward({ n: 3 }, { priority: 10 }).then(() => order.push(3)),
    ];
    await Promise.all([blocker, ...calls]);
    expect(order).toEqual([3, 2, 1]);
  });

  it('retires an old version with no lost call: the new one starts from its checkpoint through migrate', async () => {
    const [caller, oldWorker, newWorker] = processes(3);
    const old = await oldWorker.serve({ id: 'doubler', start: () => new Doubler('v1'), version: '1' });
    const ref = caller.ref('doubler');
    for (let n = 0; n < 3; n += 1) await ref.forward({ n });
    const inFlight = Array.from({ length: 20 }, (_, n) => ref.forward({ n, delayMs: 20 }));
    await newWorker.serve({
      id: 'doubler',
      start: () => new Doubler('v2'),
      version: '2',
      migrate: (state, fromVersion) => ({
        ...state,
        parameters: { served: Number((state.parameters as { served: number }).served) + (fromVersion === '1' ? 1000 : 0) },
      }),
    });
    await caller.retire('doubler', '1');
    const answers = await Promise.all(inFlight);
    expect(answers.map((answer) => answer.answer)).toEqual(Array.from({ length: 20 }, (_, n) => n * 2));
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ tag: 'v2' });
    // Checkpoints are written on change; the newest is v2's, counting on from v1's count through migrate.
    // (written after the call answers, so wait for it, within a bound).
    const store = new RedisCheckpointStore({ connection: server.url, prefix: caller.prefix });
    let newest = await store.load('doubler');
    for (const deadline = Date.now() + 10_000; newest?.version !== '2' && Date.now() < deadline; newest = await store.load('doubler')) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await store.close();
    expect(newest?.version).toBe('2');
    expect((newest?.state.parameters as { served: number }).served).toBeGreaterThanOrEqual(1004);
    await old.stop();
  });

  it('rejects bad inputs and options with INPUT_INVALID before sending anything', async () => {
    const [caller] = processes(1);
    await expect(caller.ref('doubler').forward('x' as never)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(caller.ref('doubler').forward({}, { timeoutMs: -1 })).rejects.toMatchObject({ code: 'INPUT_INVALID', details: { option: 'timeoutMs' } });
    expect(() => new Cluster({ connection: server.url, prefx: 'x' } as never)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });

  it('gives up with CLUSTER_UNAVAILABLE when Redis cannot be reached: forward, serve and retire never hang', async () => {
    const cluster = new Cluster({ connection: `redis://127.0.0.1:${await freePort()}`, supervisor: { logger: silent } });
    open.push(cluster);
    const outcomes = await Promise.allSettled([
      cluster.ref('doubler').forward({ n: 1 }),
      cluster.serve({ id: 'doubler', start: () => new Doubler() }),
      cluster.retire('doubler', '1'),
    ]);
    expect(outcomes.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as { code: string }).code : 'resolved'))).toEqual([
      'CLUSTER_UNAVAILABLE',
      'CLUSTER_UNAVAILABLE',
      'CLUSTER_UNAVAILABLE',
    ]);
  });
});
