import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Max, Min } from 'class-validator';
import pino from 'pino';
import { FileCheckpointStore, Module, Parameter, Prediction, Supervisor } from 'dspex';

/** Scores text; `threshold` is a tuned parameter we do not want to lose in a crash. */
class Scorer extends Module {
  @Parameter({ description: 'scores at or above it pass' }) @Min(0) @Max(1) threshold = 0.5;

  async forward(inputs: { score: number }): Promise<Prediction> {
    if (Number.isNaN(inputs.score)) throw new Error('score is NaN');
    return new Prediction({ passed: inputs.score >= this.threshold, threshold: this.threshold });
  }
}

/** Checkpoints: tuned state survives crashes, and a damaged file is detected and skipped. */
export async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dspex-checkpoints-'));
  try {
    const store = new FileCheckpointStore(dir, { keep: 3 }); // the last 3 checkpoints per child
    const supervisor = new Supervisor({ checkpointStore: store, logger: pino({ level: 'silent' }) });
    supervisor.registry.on('corrupted', (event) => console.log(`corrupted checkpoint of ${event.id}: ${event.error.code}`));

    // With a store, a child checkpoints 'on-change': each parameter set or loadState is saved.
    const scorer = await supervisor.startChild({ id: 'scorer', start: () => new Scorer() });
    await scorer.setParameter('threshold', 0.8); // say an optimizer tuned it
    await scorer.checkpoint(); // or save right now, explicitly
    console.log((await store.load('scorer'))?.state); // { parameters: { threshold: 0.8 } }

    // A crash replaces the instance; the new one starts from the newest checkpoint.
    await scorer.forward({ score: Number.NaN }).catch(() => undefined);
    console.log(await scorer.forward({ score: 0.7 })); // Prediction { passed: false, threshold: 0.8 }

    // Tune again (saved on change), stop (which waits for the save), then damage the newest file:
    // it is detected (SHA-256 mismatch) and the previous good checkpoint is used.
    await scorer.setParameter('threshold', 0.9);
    await supervisor.stop();
    const folder = path.join(dir, 'scorer');
    const newest = (await readdir(folder)).sort().pop()!;
    await writeFile(path.join(folder, newest), 'half a checkp');

    const restarted = new Supervisor({ checkpointStore: store, logger: pino({ level: 'silent' }) });
    restarted.registry.on('corrupted', (event) => console.log(`corrupted checkpoint of ${event.id}: ${event.error.code}`));
    const again = await restarted.startChild({ id: 'scorer', start: () => new Scorer() });
    // corrupted checkpoint of scorer: CHECKPOINT_CORRUPT
    console.log(await again.getParameter('threshold')); // 0.8: the newest checkpoint that is still whole
    await restarted.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void main();
