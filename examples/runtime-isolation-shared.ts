import pino from 'pino';
import { MemoryCheckpointStore, ParameterStore, ParameterValidationError, Supervisor } from 'dspex';

/** The module's file, resolved next to this one: after tsc, the compiled runtime-isolation-module.js. */
const SCORER = require.resolve('./runtime-isolation-module');

/** A shared parameter of a thread-isolated module follows its supervisor's store, as it would in this thread. */
export async function main(): Promise<void> {
  const store = new ParameterStore();
  store.set('scoring.scale', 10); // already in the store: the new thread gets it at start
  const supervisor = new Supervisor({ parameterStore: store, logger: pino({ level: 'silent' }), checkpointStore: new MemoryCheckpointStore() });
  const scorer = await supervisor.startChild({ id: 'scorer', isolation: 'thread', start: { module: SCORER, export: 'Scorer' } });
  console.log(await scorer.getParameter('scale')); // 10

  store.set('scoring.scale', 3); // crosses into the thread before the next call
  console.log(Number((await scorer.forward({ text: 'hello' })).score) < 3); // true

  try {
    store.set('scoring.scale', 5_000); // checked against the thread's @Max(1_000) before the store keeps it
  } catch (error) {
    if (error instanceof ParameterValidationError) console.log(store.get('scoring.scale')); // 3
  }

  // A set in the thread reaches the store, and every module bound to the key, before the call resolves.
  store.subscribe('scoring.scale', (value, previous) => console.log(`scale ${String(previous)} → ${String(value)}`));
  await scorer.setParameter('scale', 50); // scale 3 → 50
  await supervisor.stop(); // the stopped thread no longer follows the store
}

if (require.main === module) void main();
