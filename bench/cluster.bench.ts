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

/** A simulated LM: each call waits `delayMs` (I/O), as a remote model would. With `track`, tells the bench which call it starts. */
class SlowLM extends Module {
  async forward(inputs: { n: number; delayMs: number; track?: boolean }): Promise<Prediction> {
    if (inputs.track === true) process.send?.({ started: inputs.n });
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

/** Runs `count` calls with at most `inFlight` at once; returns the wall time, each call's latency and when each settled. */
async function drive(
  cluster: Cluster,
  count: number,
  inFlight: number,
  delayMs: number,
  track = false,
): Promise<{ ms: number; latencies: number[]; settled: number[]; settledAt: number[]; wrong: number }> {
  const settled = new Array<number>(count).fill(0);
  const settledAt = new Array<number>(count).fill(Number.NaN);
  const latencies: number[] = [];
  let next = 0;
  let wrong = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const n = next++;
        const callStarted = performance.now();
        try {
          const prediction = await cluster.ref('lm').forward({ n, delayMs, ...(track ? { track } : {}) });
          if (prediction.answer !== n * 2) wrong += 1;
        } catch {
          wrong += 1;
        }
        latencies.push(performance.now() - callStarted);
        settled[n] += 1;
        settledAt[n] = performance.now();
      }
    }),
  );
  return { ms: performance.now() - started, latencies, settled, settledAt, wrong };
}

const percentile = (values: number[], fraction: number): number => {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? 0;
};

/**
 * Calls/s at 1, 2 and 4 workers. `scaling: 'target'` checks the issue's targets (≥ 1.8× at 2, ≥ 3× at 4),
 * which hold where a call waits on I/O; `'reported'` prints the ratios without a target.
 */
async function throughput(url: string, delayMs: number, scaling: 'target' | 'reported', run: { value: number }): Promise<void> {
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
  const at2 = perSecond.get(2)! / base;
  const at4 = perSecond.get(4)! / base;
  if (scaling === 'target') {
    record(`${delayMs} ms LM, scaling at 2 workers`, `${at2.toFixed(2)}×`, '≥ 1.8×', at2 >= 1.8);
    record(`${delayMs} ms LM, scaling at 4 workers`, `${at4.toFixed(2)}×`, '≥ 3×', at4 >= 3);
    return;
  }
  // Short calls leave BullMQ's and Redis's own CPU work as the cap: the issue sets no target here, only a figure.
  const note = `CPU-bound on ${os.cpus().length} cores, reported`;
  record(`${delayMs} ms LM, scaling at 2 workers (${note})`, `${at2.toFixed(2)}×`);
  record(`${delayMs} ms LM, scaling at 4 workers (${note})`, `${at4.toFixed(2)}×`);
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

/**
 * 10,000 calls while the oldest of 3 workers is SIGKILLed (and a new one started) every second.
 * Each worker tells the bench which calls it starts, so the calls running on a worker when it is
 * killed are known: their recovery time is from the kill until the caller has the answer (BullMQ's
 * lock expiry, its stalled-job check, and the re-run on another worker).
 */
async function chaos(url: string): Promise<void> {
  const prefix = 'chaos';
  const running = new Map<ChildProcess, Set<number>>();
  const runs = new Map<number, number>();
  const track = (worker: ChildProcess): ChildProcess => {
    const started = new Set<number>();
    running.set(worker, started);
    worker.on('message', (message: { started?: number }) => {
      if (typeof message !== 'object' || message.started === undefined) return;
      started.add(message.started);
      runs.set(message.started, (runs.get(message.started) ?? 0) + 1);
    });
    return worker;
  };
  const first = Array.from({ length: 3 }, () => startWorker(url, prefix));
  await Promise.all(first.map((worker) => worker.ready));
  const live = first.map((worker) => track(worker.process));
  const caller = new Cluster({ connection: url, prefix });
  const stalls: { at: number; calls: number[] }[] = [];
  const outcome = drive(caller, 10_000, 200, 5, true);
  const killer = setInterval(() => {
    const victim = live.shift();
    if (victim === undefined) return;
    const at = performance.now();
    // Calls it started that have not settled yet: they were running there when it died.
    stalls.push({ at, calls: [...(running.get(victim) ?? [])] });
    void killWorker(victim);
    live.push(track(startWorker(url, prefix).process));
  }, 1000);
  const result = await outcome;
  clearInterval(killer);
  const { settled, settledAt, wrong } = result;
  await caller.close();
  await Promise.all(live.map((worker) => killWorker(worker)));
  const lost = settled.filter((count) => count === 0).length;
  const duplicated = settled.filter((count) => count > 1).length;
  record(
    `chaos: 10,000 calls, a worker SIGKILLed every second (${stalls.length} kills): lost / duplicated`,
    `${lost} / ${duplicated}${wrong > 0 ? ` (${wrong} wrong or failed)` : ''}`,
    '0 / 0',
    lost === 0 && duplicated === 0 && wrong === 0,
  );
  const recoveries = stalls.flatMap(({ at, calls }) => calls.filter((n) => settledAt[n] > at).map((n) => (settledAt[n] - at) / 1000));
  record('chaos: calls running on a killed worker (stalled jobs)', String(recoveries.length));
  // At-least-once delivery: a stalled call runs again on another worker, yet its caller sees one answer.
  record('chaos: calls run more than once by workers (re-run after a kill)', String([...runs.values()].filter((count) => count > 1).length));
  if (recoveries.length > 0) {
    record('chaos: stalled-job recovery, kill → answer, p50 / max', `${percentile(recoveries, 0.5).toFixed(1)} s / ${percentile(recoveries, 1).toFixed(1)} s`);
  }
  record('chaos: slowest call', `${(percentile(result.latencies, 1) / 1000).toFixed(1)} s`);
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
    await throughput(url, 100, 'target', run);
    await throughput(url, 10, 'reported', run);
    await addedLatency(url);
    await chaos(url);
    record('thread isolation', 'npm run bench isolation');
  } finally {
    redis.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'worker') void serveAsWorker(process.argv[3], process.argv[4]);
else if (require.main === module) void main();
