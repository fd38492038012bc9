import { loadavg } from 'node:os';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import * as dspex from 'dspex';
import { activeTracer } from '../lib/tracing/active-tracer';
import { formatDuration, measure, record, section } from './harness';

/**
 * What observing calls costs per `Predict.forward` (DummyLM, ChatAdapter): nothing observing, one
 * no-op callback, and OpenTelemetry with the SDK's in-memory exporter. The variants run
 * interleaved, one batch each per round, so load changes hit them alike; each is compared with
 * the plain run of the same round (the paired ratio). A second plain variant shows the noise
 * floor. With `DSPEX_BENCH_BASELINE=<path of an older build's dist/index.js>` the older build
 * runs in the same rounds, which compares "no callbacks, no tracer" with the code before tracing.
 */

type Dspex = typeof dspex;

interface Variant {
  readonly name: string;
  /** Runs one `Predict.forward`. */
  readonly call: () => Promise<unknown>;
  readonly enter?: () => void;
  readonly leave?: () => void;
}

// Batches long enough (tens of ms) for CPU-time accounting, which the kernel may keep in scheduler ticks.
const BATCH = 1000;
const ROUNDS = 40;
const WARMUP_ROUNDS = 5;

function plainCall(library: Dspex): () => Promise<unknown> {
  const lm = new library.DummyLM(() => ({ answer: 'Paris' }));
  const predict = new library.Predict('question -> answer');
  return () => predict.forward({ question: 'What is the capital of France?' }, { lm });
}

/** Section 1: nothing observes calls. Only plain variants run in it, so no variant's code was made polymorphic by callbacks or spans. */
function plainVariants(): Variant[] {
  const list: Variant[] = [
    { name: 'this build', call: plainCall(dspex) },
    { name: 'this build again (noise floor)', call: plainCall(dspex) },
  ];
  const baseline = process.env.DSPEX_BENCH_BASELINE;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (baseline !== undefined) list.push({ name: 'baseline build', call: plainCall(require(baseline) as Dspex) });
  return list;
}

/** Section 2: what observing costs. */
function observedVariants(): Variant[] {
  const call = plainCall(dspex);
  // Every hook, each doing nothing: what the callback machinery itself costs.
  const noop = Object.fromEntries(
    ['Module', 'Lm', 'AdapterFormat', 'AdapterParse', 'Tool', 'Evaluate']
      .flatMap((kind) => [`on${kind}Start`, `on${kind}End`])
      .map((hook) => [hook, () => undefined]),
  );
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return [
    { name: 'no callbacks, no tracer', call },
    { name: 'one no-op callback (all 12 hooks)', call, enter: () => dspex.configure({ callbacks: [noop] }), leave: () => dspex.configure({ callbacks: [] }) },
    {
      name: 'OpenTelemetry, in-memory exporter (4 spans)',
      call,
      enter: () => trace.setGlobalTracerProvider(provider),
      leave: () => {
        trace.disable();
        exporter.reset();
      },
    },
  ];
}

/** Wall-clock and CPU nanoseconds per call of one batch. CPU time (user + system of this process) is what other processes' load disturbs least. */
async function sample(variant: Variant): Promise<{ wall: number; cpu: number }> {
  // Each batch starts with a clean heap, so a collection owed by one variant is not paid by the next.
  (globalThis as { gc?: () => void }).gc?.();
  variant.enter?.();
  try {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let index = 0; index < BATCH; index += 1) await variant.call();
    const wall = Number(process.hrtime.bigint() - start) / BATCH;
    const cpu = process.cpuUsage(cpuStart);
    return { wall, cpu: ((cpu.user + cpu.system) * 1000) / BATCH };
  } finally {
    variant.leave?.();
  }
}

function quantile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

/** Runs the variants interleaved and prints, per clock, each one's median and p99 per call and its paired ratio to the first. */
async function compare(title: string, list: readonly Variant[]): Promise<void> {
  section(title);
  const samples = list.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
    // Rotate the order each round so no variant always runs first.
    for (let offset = 0; offset < list.length; offset += 1) {
      const index = (round + offset) % list.length;
      const { wall, cpu } = await sample(list[index]);
      if (round < WARMUP_ROUNDS) continue;
      samples[index].wall.push(wall);
      samples[index].cpu.push(cpu);
    }
  }
  for (const clock of ['cpu', 'wall'] as const) {
    process.stdout.write(`-- ${clock === 'cpu' ? 'CPU time (user + system) per call' : 'wall-clock time per call'}\n`);
    const first = samples[0][clock];
    for (const [index, variant] of list.entries()) {
      const values = samples[index][clock];
      const ratios = values.map((value, round) => value / first[round]);
      const value = `${formatDuration(quantile(values, 0.5))} (p99 ${formatDuration(quantile(values, 0.99))})`;
      const ratio =
        index === 0
          ? ''
          : `  paired ratio ${quantile(ratios, 0.5).toFixed(3)} (p10 ${quantile(ratios, 0.1).toFixed(3)}, p90 ${quantile(ratios, 0.9).toFixed(3)})`;
      process.stdout.write(`${variant.name.padEnd(46)} ${value.padStart(28)}${ratio}\n`);
    }
  }
}

export async function run(): Promise<void> {
  const load = (): string =>
    loadavg()
      .map((value) => value.toFixed(2))
      .join(' ');
  section('callbacks and tracing: Predict.forward (DummyLM, ChatAdapter)');
  record('load average (1, 5, 15 min) before', load());
  await compare(`no callbacks, no tracer: ${ROUNDS} interleaved rounds of ${BATCH} calls`, plainVariants());
  await compare(`observing calls: ${ROUNDS} interleaved rounds of ${BATCH} calls`, observedVariants());
  section('the parts');
  await measure('no provider: the check each observed call makes (2 per forward)', () => activeTracer(), { batch: 10_000 });
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  const tracer = trace.getTracer('bench');
  await measure('SDK alone: startSpan + end, in-memory exporter (per span)', () => tracer.startSpan('span').end(), { batch: 1000, samples: 100 });
  trace.disable();
  exporter.reset();
  record('load average (1, 5, 15 min) after', load());
}
