import pino from 'pino';
import { MemoryCheckpointStore, ModuleCrashedError, Supervisor } from 'dspex';

/** The module's file, resolved next to this one: after tsc, the compiled runtime-isolation-module.js. */
const SCORER = require.resolve('./runtime-isolation-module');

/** A CPU-heavy module in a worker thread: a call past its timeout ends that thread, never this one. */
export async function main(): Promise<void> {
  const supervisor = new Supervisor({ logger: pino({ level: 'silent' }), checkpointStore: new MemoryCheckpointStore() });
  const scorer = await supervisor.startChild({
    id: 'scorer',
    isolation: 'thread',
    start: { module: SCORER, export: 'Scorer', args: ['salt-1'] },
    timeoutMs: 5_000,
  });
  console.log((await scorer.forward({ text: 'hello' })).score);

  await scorer.setParameter('rounds', 50_000); // crosses into the thread, and is checkpointed
  console.log(await scorer.getParameter('rounds')); // 50000

  try {
    await scorer.forward({ text: 'too slow' }, { timeoutMs: 1 });
  } catch (error) {
    // The thread was terminated mid-loop and replaced; the new one resumed from the checkpoint.
    if (error instanceof ModuleCrashedError) console.log(error.details.reason); // timeout
  }
  console.log(await scorer.getParameter('rounds')); // 50000

  // A new version: a new thread, built from the file again; calls keep arriving meanwhile.
  await supervisor.hotSwap('scorer', { start: { module: SCORER, export: 'Scorer', args: ['salt-2'] }, version: '2', migrate: (state) => state });
  console.log((await scorer.forward({ text: 'hello' })).salt); // salt-2

  await supervisor.stop({ drain: true }); // ends every thread
}

if (require.main === module) void main();
