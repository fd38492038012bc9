/**
 * A small benchmark harness: runs a function many times, reports median and p99 per operation,
 * and prints one table row per measurement. Benchmarks run on compiled JS (`npm run bench`).
 */
export interface Measurement {
  name: string;
  medianNs: number;
  p99Ns: number;
  samples: number;
  target?: string;
  meetsTarget?: boolean;
}

export interface MeasureOptions {
  /** Operations per sample (timed together, divided). */
  batch?: number;
  /** Samples taken after warm-up. */
  samples?: number;
  warmupSamples?: number;
  /** Target for the median in nanoseconds, printed with the result. */
  targetNs?: number;
}

const results: Measurement[] = [];

function percentile(sorted: number[], fraction: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index];
}

/** Formats nanoseconds as ns/µs/ms. */
export function formatDuration(nanoseconds: number): string {
  if (nanoseconds < 1_000) return `${nanoseconds.toFixed(0)} ns`;
  if (nanoseconds < 1_000_000) return `${(nanoseconds / 1_000).toFixed(2)} µs`;
  return `${(nanoseconds / 1_000_000).toFixed(2)} ms`;
}

/** Measures a synchronous or asynchronous operation; returns and records the measurement. */
export async function measure(name: string, operation: () => unknown, options: MeasureOptions = {}): Promise<Measurement> {
  const batch = options.batch ?? 100;
  const samples = options.samples ?? 200;
  const warmup = options.warmupSamples ?? Math.max(10, Math.floor(samples / 5));
  const durations: number[] = [];
  for (let sample = 0; sample < warmup + samples; sample += 1) {
    const start = process.hrtime.bigint();
    for (let index = 0; index < batch; index += 1) {
      const result = operation();
      if (result instanceof Promise) await result;
    }
    const elapsed = Number(process.hrtime.bigint() - start) / batch;
    if (sample >= warmup) durations.push(elapsed);
  }
  durations.sort((left, right) => left - right);
  const measurement: Measurement = {
    name,
    medianNs: percentile(durations, 0.5),
    p99Ns: percentile(durations, 0.99),
    samples,
    target: options.targetNs === undefined ? undefined : `< ${formatDuration(options.targetNs)}`,
  };
  if (options.targetNs !== undefined) measurement.meetsTarget = measurement.medianNs < options.targetNs;
  results.push(measurement);
  report(measurement);
  return measurement;
}

/** Records a figure measured some other way (heap bytes, counts), printed in the same table. */
export function record(name: string, value: string, target?: string, meetsTarget?: boolean): void {
  process.stdout.write(
    `${name.padEnd(58)} ${value.padStart(14)}  ${target ? `target ${target}`.padEnd(20) : ''.padEnd(20)} ${meetsTarget === undefined ? '' : meetsTarget ? 'ok' : 'MISSED'}\n`,
  );
}

function report(measurement: Measurement): void {
  const value = `${formatDuration(measurement.medianNs)} (p99 ${formatDuration(measurement.p99Ns)})`;
  process.stdout.write(
    `${measurement.name.padEnd(58)} ${value.padStart(28)}  ${measurement.target ? `target ${measurement.target}`.padEnd(20) : ''.padEnd(20)} ${measurement.meetsTarget === undefined ? '' : measurement.meetsTarget ? 'ok' : 'MISSED'}\n`,
  );
}

/** Prints a section heading. */
export function section(title: string): void {
  process.stdout.write(`\n== ${title}\n`);
}

/** Every measurement taken so far. */
export function allMeasurements(): readonly Measurement[] {
  return results;
}
