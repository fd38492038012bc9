import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BootstrapFewShot, Evaluate, configure } from 'dspex';
import { Triage, devset, makeLM, sameCategory, trainset } from './tutorial-program';

/** Steps 2–4: compile, compare, save and load. */
export async function main(): Promise<void> {
  configure({ lm: makeLM() });
  const program = new Triage();
  const evaluate = new Evaluate({ devset, metric: sameCategory });

  // Compile: the teacher runs the training tickets; runs the metric accepts become demos.
  const optimizer = new BootstrapFewShot({ metric: sameCategory, maxBootstrappedDemos: 4, maxLabeledDemos: 16 });
  const compiled = await optimizer.compile(program, { trainset });

  // Compare on tickets neither program has seen.
  const before = await evaluate.run(program);
  const after = await evaluate.run(compiled);
  console.log(`before ${before.score}% → after ${after.score}%`); // before 0% → after 100%

  // Save: the demos (and any tuned parameters) as JSON, in DSPy's layout.
  const directory = await mkdtemp(path.join(tmpdir(), 'triage-'));
  try {
    const file = path.join(directory, 'triage.json');
    await compiled.save(file);
    // Load into a fresh instance of the same class, e.g. in your server at start-up.
    const loaded = await new Triage().load(file);
    console.log(`loaded: ${(await evaluate.run(loaded)).score}%`); // loaded: 100%
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

if (require.main === module) void main();
