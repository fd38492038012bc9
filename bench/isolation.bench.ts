import path from 'node:path';
import pino from 'pino';
import { Supervisor, type ModuleRef } from 'dspex';
import { Spinner } from './isolation-module';
import { record, section } from './harness';

/**
 * Thread isolation (`isolation: 'thread'`): the latency a thread-isolated call adds over an
 * in-process one, and whether a second child keeps its latency while a thread-isolated child
 * spins at 100 % CPU (compared with the same spin in the supervisor's own thread).
 */
const silent = pino({ level: 'silent' });
const SPINNER = path.join(__dirname, 'isolation-module.js');
const CALLS = 2000;

const percentile = (values: number[], fraction: number): number => {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? 0;
};

/** Latencies (ms) of `count` sequential calls. */
async function latencies(ref: ModuleRef, count: number): Promise<number[]> {
  const values: number[] = [];
  for (let n = 0; n < count; n += 1) {
    const started = performance.now();
    await ref.forward({ n });
    values.push(performance.now() - started);
  }
  return values;
}

const ms = (value: number): string => `${value.toFixed(3)} ms`;

async function overhead(): Promise<void> {
  const supervisor = new Supervisor({ logger: silent });
  const local = await supervisor.startChild({ id: 'local', start: () => new Spinner() });
  const threaded = await supervisor.startChild({ id: 'threaded', isolation: 'thread', start: { module: SPINNER, export: 'Spinner' } });
  await latencies(local, 200);
  await latencies(threaded, 200);
  const inProcess = await latencies(local, CALLS);
  const inThread = await latencies(threaded, CALLS);
  await supervisor.stop();
  record('in-process supervised call, p50 / p99', `${ms(percentile(inProcess, 0.5))} / ${ms(percentile(inProcess, 0.99))}`);
  record('thread-isolated supervised call, p50 / p99', `${ms(percentile(inThread, 0.5))} / ${ms(percentile(inThread, 0.99))}`);
  record('added latency of a thread-isolated call, p50', ms(percentile(inThread, 0.5) - percentile(inProcess, 0.5)));
  record('added latency of a thread-isolated call, p99', ms(percentile(inThread, 0.99) - percentile(inProcess, 0.99)));
}

/** A second (in-process) child's p99 idle, and while a thread-isolated child spins (ended by stopping the supervisor). */
async function noisyNeighbour(): Promise<void> {
  const supervisor = new Supervisor({ logger: silent });
  const other = await supervisor.startChild({ id: 'other', start: () => new Spinner() });
  const spinner = await supervisor.startChild({ id: 'spinner', isolation: 'thread', start: { module: SPINNER, export: 'Spinner' }, shutdownMs: 0 });
  await latencies(other, 200);
  const idle = percentile(await latencies(other, CALLS), 0.99);
  // One call spins until its thread is terminated (by stop below).
  const spin = spinner.forward({ spinMs: Infinity }).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const busy = percentile(await latencies(other, CALLS), 0.99);
  await supervisor.stop();
  await spin;
  const ratio = busy / idle;
  record('second child p99, idle', ms(idle));
  record('second child p99, a thread-isolated child at 100 % CPU', `${ms(busy)} (${ratio.toFixed(2)}×)`, '≤ 3× idle', ratio <= 3);
}

export async function run(): Promise<void> {
  section('thread isolation');
  await overhead();
  await noisyNeighbour();
}

if (require.main === module) void run();
