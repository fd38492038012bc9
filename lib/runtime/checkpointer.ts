import type { Logger } from '../logging/logger';
import type { CheckpointPolicy } from './child-spec';
import type { Checkpoint, CheckpointStore } from './checkpoint-store';
import { unrefTimer, type Clock, type ClockTimer } from './clock';
import { watchStateChanges, type SupervisableModule } from './supervisable-module';

/** What a checkpointer reads from its child. */
export interface CheckpointSource {
  readonly id: string;
  readonly version: string;
}

/**
 * Saves one child's state to the checkpoint store under its policy: `'on-change'` after each
 * parameter set or state load (changes in one tick are coalesced into one save), `{ everyMs }` on a
 * timer when the state differs from the last save, `'manual'` only on `ref.checkpoint()`.
 * Saves run one at a time; a failed save is logged and never disturbs the child.
 */
export class Checkpointer {
  readonly #source: CheckpointSource;
  readonly #store: CheckpointStore;
  readonly #policy: CheckpointPolicy;
  readonly #clock: Clock;
  readonly #log: () => Logger;
  #instance: SupervisableModule | undefined;
  #unsubscribe: (() => void) | undefined;
  #timer: ClockTimer | undefined;
  #isScheduled = false;
  #lastSaved: string | undefined;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(source: CheckpointSource, store: CheckpointStore, policy: CheckpointPolicy, clock: Clock, log: () => Logger) {
    this.#source = source;
    this.#store = store;
    this.#policy = policy;
    this.#clock = clock;
    this.#log = log;
  }

  /** Starts watching a newly live instance. */
  attach(instance: SupervisableModule): void {
    this.detach();
    this.#instance = instance;
    if (this.#policy === 'on-change') {
      this.#unsubscribe = watchStateChanges(instance, () => this.#schedule());
    } else if (typeof this.#policy === 'object') {
      this.#lastSaved = undefined;
      this.#arm(this.#policy.everyMs);
    }
  }

  /** Stops watching; a save scheduled but not started is dropped (the instance may be the one that just crashed). */
  detach(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#instance = undefined;
    this.#isScheduled = false;
  }

  /** Starts a save that was scheduled but has not started yet (a graceful stop keeps the last change). */
  savePending(): void {
    if (!this.#isScheduled) return;
    this.#isScheduled = false;
    if (this.#instance !== undefined) this.#saveInBackground(this.#instance);
  }

  /** For a change the child saw itself (a `ref.setParameter` on an object that cannot report changes). */
  noteChange(): void {
    if (this.#policy === 'on-change' && this.#unsubscribe === undefined) this.#schedule();
  }

  /** Saves the instance's state now and returns the checkpoint. Rejects if the store does. */
  saveNow(instance: SupervisableModule): Promise<Checkpoint> {
    const checkpoint: Checkpoint = { id: this.#source.id, version: this.#source.version, state: instance.dumpState(), createdAt: this.#clock.now() };
    const save = this.#chain.then(() => this.#store.save(checkpoint.id, checkpoint));
    this.#chain = save.catch(() => undefined);
    return save.then(() => {
      this.#lastSaved = JSON.stringify(checkpoint.state);
      return checkpoint;
    });
  }

  /** Waits for saves already started. */
  async flush(): Promise<void> {
    await this.#chain;
  }

  #schedule(): void {
    if (this.#isScheduled) return;
    this.#isScheduled = true;
    // Several changes in one synchronous burst (loadState, a batch of setParameter) make one save.
    queueMicrotask(() => {
      if (!this.#isScheduled) return;
      this.#isScheduled = false;
      const instance = this.#instance;
      if (instance !== undefined) this.#saveInBackground(instance);
    });
  }

  #arm(everyMs: number): void {
    this.#timer = this.#clock.setTimeout(() => {
      const instance = this.#instance;
      if (instance === undefined) return;
      if (JSON.stringify(instance.dumpState()) !== this.#lastSaved) this.#saveInBackground(instance);
      this.#arm(everyMs);
    }, everyMs);
    unrefTimer(this.#timer);
  }

  #saveInBackground(instance: SupervisableModule): void {
    let save: Promise<Checkpoint>;
    try {
      save = this.saveNow(instance);
    } catch (error) {
      this.#log().warn({ err: error, child: this.#source.id }, 'checkpoint failed');
      return;
    }
    // Owned by the chain (flush awaits it); the failure is logged here, once.
    save.catch((error: unknown) => this.#log().warn({ err: error, child: this.#source.id }, 'checkpoint failed'));
  }
}
