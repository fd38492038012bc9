import pino from 'pino';
import { Cluster } from '../../lib/runtime/cluster';
import { forkWorker, type WorkerProcess } from '../helpers/cluster-workers';
import { describeWithRedis, startRedisServer, type RedisServer } from '../helpers/redis-server';

const CALLS = 5000;
const IN_FLIGHT = 200;
const KILL_EVERY = 400;

describeWithRedis('Cluster under chaos (worker processes SIGKILLed)', () => {
  let server: RedisServer;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
    await server.stop();
  });

  it('settles every call exactly once with the right answer while workers die and are replaced', async () => {
    const settings = { url: server.url, prefix: 'chaos', child: 'doubler', concurrency: 16 };
    for (let index = 0; index < 3; index += 1) workers.push(forkWorker(settings));
    await Promise.all(workers.map((worker) => worker.ready));
    const caller = new Cluster({ connection: server.url, prefix: 'chaos', supervisor: { logger: pino({ level: 'silent' }) } });
    const settled = new Array<number>(CALLS).fill(0);
    const wrong: unknown[] = [];
    const servedBy = new Set<number>();
    let kills = 0;
    let done = 0;
    let nextCall = 0;

    const runOne = async (n: number): Promise<void> => {
      try {
        const prediction = await caller.ref('doubler').forward({ n, delayMs: 2 });
        if (prediction.answer !== n * 2) wrong.push({ n, answer: prediction.answer });
        servedBy.add(prediction.pid as number);
      } catch (error) {
        wrong.push({ n, error: String(error) });
      }
      settled[n] += 1;
      done += 1;
      if (done % KILL_EVERY === 0 && done < CALLS) {
        // One worker dies mid-call (its running calls must be recovered by the others) and a new one replaces it.
        const victim = workers.splice(kills % workers.length, 1)[0];
        kills += 1;
        await victim.kill();
        workers.push(forkWorker(settings));
      }
    };
    const lanes = Array.from({ length: IN_FLIGHT }, async () => {
      while (nextCall < CALLS) await runOne(nextCall++);
    });
    await Promise.all(lanes);
    await caller.close();

    expect(wrong).toEqual([]);
    expect(settled.every((count) => count === 1)).toBe(true);
    expect(kills).toBeGreaterThanOrEqual(10);
    expect(servedBy.size).toBeGreaterThan(3);
  }, 180_000);
});
