/**
 * `npm run bench`: runs every benchmark (or those whose name contains the first argument) on the
 * compiled package, printing medians, p99 and targets.
 */
import { run as callbacks } from './callbacks.bench';
import { run as foundation } from './foundation.bench';
import { run as gepa } from './gepa.bench';
import { run as instructionOptimizers } from './instruction-optimizers.bench';
import { run as isolation } from './isolation.bench';
import { run as lm } from './lm.bench';
import { run as optimizers } from './optimizers.bench';
import { run as react } from './react.bench';
import { run as runtime } from './runtime.bench';
import { run as streaming } from './streaming.bench';

const BENCHES: Record<string, () => Promise<void>> = {
  callbacks,
  foundation,
  gepa,
  instructionOptimizers,
  isolation,
  lm,
  optimizers,
  react,
  runtime,
  streaming,
};

async function main(): Promise<void> {
  const filter = process.argv[2];
  if ((globalThis as { gc?: unknown }).gc === undefined) process.stdout.write('(run with --expose-gc for heap figures: npm run bench does)\n');
  process.stdout.write(`dspex benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
  for (const [name, bench] of Object.entries(BENCHES)) {
    if (filter !== undefined && !name.includes(filter)) continue;
    await bench();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exitCode = 1;
});
