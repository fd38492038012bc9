import pino from 'pino';
import { Module, Prediction, Supervisor, type ModuleRef } from 'dspex';
import { formatDuration, measure, record, section } from './harness';

/** Answers at once: what remains of a supervised call is the runtime's overhead. */
class Echo extends Module {
  async forward(inputs: Record<string, unknown>): Promise<Prediction> {
    if (inputs.crash === true) throw new Error('injected crash');
    return new Prediction({ value: inputs.n });
  }
}

/** Serves keyed calls after a turn, recording every key it served. */
class Keyed extends Module {
  readonly served: number[] = [];

  async forward(inputs: Record<string, unknown>): Promise<Prediction> {
    const key = Number(inputs.key);
    this.served.push(key);
    await Promise.resolve();
    return new Prediction({ key });
  }
}

const silent = pino({ level: 'silent' });

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Supervisor that never escalates in a benchmark loop (crashes are the point). */
function tolerantSupervisor(): Supervisor {
  return new Supervisor({ logger: silent, maxRestarts: 1_000_000_000, withinMs: 1 });
}

async function startChildCost(): Promise<void> {
  const supervisor = tolerantSupervisor();
  let next = 0;
  await measure('startChild (one module child, memory checkpoints)', () => supervisor.startChild({ id: `child-${next++}`, start: () => new Echo() }), {
    batch: 100,
    samples: 100,
    targetNs: 50_000,
  });
  await supervisor.stop();
}

async function hundredThousandChildren(): Promise<void> {
  const count = 100_000;
  gc();
  const before = process.memoryUsage().heapUsed;
  const supervisor = tolerantSupervisor();
  const refs: ModuleRef[] = new Array(count);
  const start = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) refs[index] = await supervisor.startChild({ id: `child-${index}`, start: () => new Echo() });
  const elapsedNs = Number(process.hrtime.bigint() - start);
  // Every child served once, so each has its queue path and counters warmed.
  for (let index = 0; index < count; index += 1000) await refs[index].forward({ n: index });
  gc();
  const heapBytes = process.memoryUsage().heapUsed - before;
  const gib = heapBytes / 2 ** 30;
  record(`100,000 supervised children: heap`, `${(heapBytes / 2 ** 20).toFixed(0)} MiB`, '< 2 GiB', gib < 2);
  record(`  per child`, `${(heapBytes / count / 1024).toFixed(2)} KiB`, undefined);
  record(`  started in`, `${(elapsedNs / 1e9).toFixed(2)} s (${formatDuration(elapsedNs / count)}/child)`, undefined);
  await supervisor.stop();
}

async function forwardOverhead(): Promise<void> {
  const supervisor = tolerantSupervisor();
  const ref = await supervisor.startChild({ id: 'echo', start: () => new Echo() });
  const direct = new Echo();
  const inputs = { n: 1 };
  // Alternate the two so machine noise hits both alike; keep the best of three medians each.
  let directBest = Number.POSITIVE_INFINITY;
  let supervisedBest = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round += 1) {
    directBest = Math.min(
      directBest,
      (await measure(`direct module.forward (round ${round + 1})`, () => direct.forward(inputs), { batch: 1000, samples: 100 })).medianNs,
    );
    supervisedBest = Math.min(
      supervisedBest,
      (await measure(`ModuleRef.forward (round ${round + 1})`, () => ref.forward(inputs), { batch: 1000, samples: 100 })).medianNs,
    );
  }
  const overhead = supervisedBest - directBest;
  record('ModuleRef.forward overhead over direct forward (median)', formatDuration(overhead), '< 5.00 µs', overhead < 5_000);
  const timed = await supervisor.startChild({ id: 'echo-timeout', start: () => new Echo(), timeoutMs: 60_000 });
  await measure('ModuleRef.forward with timeoutMs (timer + AbortController)', () => timed.forward(inputs), { batch: 1000, samples: 100 });
  await supervisor.stop();
}

async function crashRecovery(): Promise<void> {
  const supervisor = tolerantSupervisor();
  const ref = await supervisor.startChild({ id: 'echo', start: () => new Echo() });
  const crashing = { crash: true };
  const healthy = { n: 1 };
  await measure(
    'crash → restarted → next call served',
    async () => {
      await ref.forward(crashing).catch(() => undefined);
      await ref.forward(healthy);
    },
    { batch: 20, samples: 100, targetNs: 1_000_000 },
  );
  record('  restarts performed', String(ref.metrics().restarts), undefined);
  await supervisor.stop();
}

async function hotSwapUnderLoad(): Promise<void> {
  const total = 2_000;
  const trials = 10;
  let lost = 0;
  let duplicated = 0;
  let rejected = 0;
  const durations: number[] = [];
  for (let trial = 0; trial < trials; trial += 1) {
    const supervisor = tolerantSupervisor();
    const old = new Keyed();
    const next = new Keyed();
    const ref = await supervisor.startChild({ id: 'keyed', start: () => old, concurrency: 64 });
    const calls: Promise<Prediction>[] = [];
    for (let key = 0; key < total / 2; key += 1) calls.push(ref.forward({ key }));
    const start = process.hrtime.bigint();
    const swap = supervisor.hotSwap('keyed', { start: () => next, version: '2' });
    for (let key = total / 2; key < total; key += 1) calls.push(ref.forward({ key }));
    const outcomes = await Promise.allSettled(calls);
    await swap;
    durations.push(Number(process.hrtime.bigint() - start));
    rejected += outcomes.filter((outcome) => outcome.status === 'rejected').length;
    const counts = new Map<number, number>();
    for (const key of [...old.served, ...next.served]) counts.set(key, (counts.get(key) ?? 0) + 1);
    for (let key = 0; key < total; key += 1) {
      const count = counts.get(key) ?? 0;
      if (count === 0) lost += 1;
      if (count > 1) duplicated += count - 1;
    }
    await supervisor.stop();
  }
  durations.sort((left, right) => left - right);
  record(
    `hot swap under ${total.toLocaleString('en')} concurrent calls (${trials} trials): lost / duplicated`,
    `${lost} / ${duplicated}`,
    '0 / 0',
    lost === 0 && duplicated === 0,
  );
  record('  rejected calls', String(rejected), '0', rejected === 0);
  record('  swap with the calls in flight (median)', formatDuration(durations[Math.floor(durations.length / 2)]), undefined);
}

/** `npm run bench runtime`: the supervisor runtime's costs. */
export async function run(): Promise<void> {
  section('runtime: startChild');
  await startChildCost();
  section('runtime: 100,000 supervised children');
  await hundredThousandChildren();
  section('runtime: ModuleRef.forward overhead');
  await forwardOverhead();
  section('runtime: crash recovery');
  await crashRecovery();
  section('runtime: hot swap under load');
  await hotSwapUnderLoad();
}
