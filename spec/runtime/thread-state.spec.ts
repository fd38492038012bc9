import { ParameterNotFoundError, ParameterValidationError, StateValidationError } from '../../lib/errors';
import type { Checkpoint } from '../../lib/runtime/checkpoint-store';
import { MemoryCheckpointStore } from '../../lib/runtime/memory-checkpoint-store';
import { Supervisor } from '../../lib/runtime/supervisor';
import { liveThreadCount } from '../../lib/runtime/thread-module';
import { silentLogger } from '../helpers/runtime-support';
import { nextEvent, startCounter } from '../helpers/thread-support';

/** Resolves `saved(count)` once a checkpoint whose `count` parameter is `count` was written. */
class WatchedStore extends MemoryCheckpointStore {
  readonly #waiters: { count: number; resolve: (checkpoint: Checkpoint) => void }[] = [];

  override async save(id: string, checkpoint: Checkpoint): Promise<void> {
    await super.save(id, checkpoint);
    const count = (checkpoint.state.parameters as Record<string, unknown> | undefined)?.count;
    for (const waiter of this.#waiters.filter((entry) => entry.count === count)) waiter.resolve(checkpoint);
  }

  saved(count: number): Promise<Checkpoint> {
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }
}

/** Parameter access and checkpoints of thread-isolated children cross the thread boundary. */
describe('isolation: thread — parameters and checkpoints', () => {
  let store: WatchedStore;
  let supervisor: Supervisor;

  beforeEach(() => {
    store = new WatchedStore();
    supervisor = new Supervisor({ logger: silentLogger, checkpointStore: store, maxRestarts: 20 });
  });

  afterEach(async () => {
    await supervisor.stop();
    expect(liveThreadCount()).toBe(0);
  });

  it('reads and sets parameters in the thread; constraint and path errors come back as their classes', async () => {
    const ref = await startCounter(supervisor, { args: [4] });
    expect(await ref.getParameter('count')).toBe(4);
    await ref.setParameter('count', 7);
    expect(await ref.getParameter('count')).toBe(7);
    await expect(ref.setParameter('count', -1)).rejects.toBeInstanceOf(ParameterValidationError);
    await expect(ref.setParameter('count', { not: 'cloneable', fn: () => 1 })).rejects.toBeInstanceOf(ParameterValidationError);
    await expect(ref.getParameter('missing')).rejects.toBeInstanceOf(ParameterNotFoundError);
    expect(await ref.getParameter('count')).toBe(7);
  });

  it('checkpoints the state the thread reports, including changes made by a call', async () => {
    const ref = await startCounter(supervisor);
    const saved = store.saved(1);
    expect((await ref.forward({ action: 'increment' })).count).toBe(1);
    expect((await saved).state).toMatchObject({ parameters: { count: 1 } });
    const checkpoint = await ref.checkpoint();
    expect(checkpoint).toMatchObject({ id: 'counter', version: '1', state: { parameters: { count: 1 } } });
  });

  it('restarts a crashed instance from its last checkpoint, in a new thread', async () => {
    const ref = await startCounter(supervisor);
    const saved = store.saved(5);
    await ref.setParameter('count', 5);
    await saved;
    const restarted = nextEvent(supervisor.registry, 'restarted');
    await ref.forward({ action: 'crash' }).catch(() => undefined);
    await restarted;
    expect(await ref.getParameter('count')).toBe(5);
    expect((await ref.forward({ action: 'increment' })).count).toBe(6);
  });

  it('restores a checkpoint into the thread; a state the module rejects leaves it unchanged', async () => {
    const ref = await startCounter(supervisor, { args: [2] });
    const checkpoint = await ref.checkpoint();
    await ref.setParameter('count', 9);
    await ref.restore(checkpoint);
    expect(await ref.getParameter('count')).toBe(2);
    await expect(ref.restore({ ...checkpoint, state: { parameters: { count: 'many' } } })).rejects.toBeInstanceOf(StateValidationError);
    expect(await ref.getParameter('count')).toBe(2);
  });
});
