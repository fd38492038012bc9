import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Cluster, Module, Prediction, Supervisor } from 'dspex';
import { record, section } from './harness';

/**
 * `npm run bench:cluster`: cluster throughput and scaling on a simulated LM (I/O wait per call),
 * the latency a cluster call adds over an in-process supervised call, and calls lost or duplicated
 * while workers are SIGKILLed. Needs redis-server; starts its own on a free port.
 */
const silent = pino({ level: 'silent' });

/** A simulated LM: each call waits `delayMs` (I/O), as a remote model would. */
class SlowLM extends Module {
  async forward(inputs: { n: number; delayMs: number }): Promise<Prediction> {
    if (inputs.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, inputs.delayMs));
    return new Prediction({ answer: inputs.n * 2 });
  }
}

async function serveAsWorker(url: string, prefix: string): Promise<void> {
  const cluster = new Cluster({ connection: url, prefix, supervisor: { logger: silent } });
  await cluster.serve({ id: 'lm', start: () => new SlowLM(), concurrency: 16, checkpoint: 'manual' });
  process.send?.('ready');
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function startWorker(url: string, prefix: string): { process: ChildProcess; ready: Promise<void> } {
  const child = fork(__filename, ['worker', url, prefix], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return { process: child, ready: new Promise((resolve) => child.once('message', () => resolve())) };
}

const killWorker = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

/** Runs `count` calls with at most `inFlight` at once; returns the wall time and each call's latency. */
async function drive(
  cluster: Cluster,
  count: number,
  inFlight: number,
  delayMs: number,
  onSettled?: (done: number) => void,
): Promise<{ ms: number; latencies: number[]; settled: number[]; wrong: number }> {
  const settled = new Array<number>(count).fill(0);
  const latencies: number[] = [];
  let next = 0;
  let done = 0;
  let wrong = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const n = next++;
        const callStarted = performance.now();
        try {
          const prediction = await cluster.ref('lm').forward({ n, delayMs });
          if (prediction.answer !== n * 2) wrong += 1;
        } catch {
          wrong += 1;
        }
        latencies.push(performance.now() - callStarted);
        settled[n] += 1;
        done += 1;
        onSettled?.(done);
      }
    }),
  );
  return { ms: performance.now() - started, latencies, settled, wrong };
}

const percentile = (values: number[], fraction: number): number => {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? 0;
};

async function throughput(url: string, delayMs: number, run: { value: number }): Promise<void> {
  const perSecond = new Map<number, number>();
  for (const workers of [1, 2, 4]) {
    const prefix = `bench${(run.value += 1)}`;
    const processes = Array.from({ length: workers }, () => startWorker(url, prefix));
    await Promise.all(processes.map((worker) => worker.ready));
    const caller = new Cluster({ connection: url, prefix });
    const { ms, wrong } = await drive(caller, 2000, 16 * workers, delayMs);
    await caller.close();
    await Promise.all(processes.map((worker) => killWorker(worker.process)));
    const rate = 2000 / (ms / 1000);
    perSecond.set(workers, rate);
    record(`${delayMs} ms LM, ${workers} worker(s): calls/s`, `${rate.toFixed(0)}${wrong > 0 ? ` (${wrong} failed)` : ''}`);
  }
  const base = perSecond.get(1)!;
  record(`${delayMs} ms LM, scaling at 2 workers`, `${(perSecond.get(2)! / base).toFixed(2)}×`, '≥ 1.8×', perSecond.get(2)! / base >= 1.8);
  record(`${delayMs} ms LM, scaling at 4 workers`, `${(perSecond.get(4)! / base).toFixed(2)}×`, '≥ 3×', perSecond.get(4)! / base >= 3);
}

async function addedLatency(url: string): Promise<void> {
  const supervisor = new Supervisor({ logger: silent });
  const local = await supervisor.startChild({ id: 'lm', start: () => new SlowLM() });
  const localLatencies: number[] = [];
  for (let n = 0; n < 500; n += 1) {
    const started = performance.now();
    await local.forward({ n, delayMs: 0 });
    localLatencies.push(performance.now() - started);
  }
  await supervisor.stop();
  const worker = startWorker(url, 'latency');
  await worker.ready;
  const caller = new Cluster({ connection: url, prefix: 'latency' });
  await drive(caller, 50, 1, 0); // warm-up
  const { latencies } = await drive(caller, 500, 1, 0);
  await caller.close();
  await killWorker(worker.process);
  const p50 = percentile(latencies, 0.5) - percentile(localLatencies, 0.5);
  record('added latency of a cluster call, p50', `${p50.toFixed(2)} ms`, '< 5 ms', p50 < 5);
  record('added latency of a cluster call, p99', `${(percentile(latencies, 0.99) - percentile(localLatencies, 0.99)).toFixed(2)} ms`);
}

async function chaos(url: string): Promise<void> {
  const prefix = 'chaos';
  const workers = Array.from({ length: 3 }, () => startWorker(url, prefix));
  await Promise.all(workers.map((worker) => worker.ready));
  const caller = new Cluster({ connection: url, prefix });
  let kills = 0;
  const killer = setInterval(() => {
    const victim = workers.shift();
    if (victim === undefined) return;
    kills += 1;
    void killWorker(victim.process);
    workers.push(startWorker(url, prefix));
  }, 1000);
  const { settled, latencies, wrong } = await drive(caller, 10_000, 200, 5);
  clearInterval(killer);
  await caller.close();
  await Promise.all(workers.map((worker) => killWorker(worker.process)));
  const lost = settled.filter((count) => count === 0).length;
  const duplicated = settled.filter((count) => count > 1).length;
  record(
    `chaos: 10,000 calls, a worker SIGKILLed every second (${kills} kills): lost / duplicated`,
    `${lost} / ${duplicated}${wrong > 0 ? ` (${wrong} wrong or failed)` : ''}`,
    '0 / 0',
    lost === 0 && duplicated === 0 && wrong === 0,
  );
  record('chaos: slowest call (a stalled call recovered by another worker)', `${(percentile(latencies, 1) / 1000).toFixed(1)} s`);
}

export async function main(): Promise<void> {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    console.log('bench:cluster needs redis-server (apt-get install -y redis-server).');
    return;
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dspex-bench-redis-'));
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  await new Promise((resolve) => setTimeout(resolve, 300));
  try {
    section(`cluster (BullMQ on a loopback Redis, ${os.cpus().length} CPUs)`);
    const run = { value: 0 };
    await throughput(url, 100, run);
    await throughput(url, 10, run);
    await addedLatency(url);
    await chaos(url);
    record('thread isolation', 'not built in this round');
  } finally {
    redis.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'worker') void serveAsWorker(process.argv[3], process.argv[4]);
else if (require.main === module) void main();
