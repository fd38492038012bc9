import { AsyncResource } from 'node:async_hooks';
import PQueue from 'p-queue';
import type { RateLimit } from './child-spec';

/**
 * One child's execution queue: bounds how many calls run at once and how many start per interval,
 * and orders waiting calls by priority (higher first, FIFO within a priority). Waiting calls wait
 * in a p-queue. A call that arrives while the child has free capacity, nobody waiting, no rate limit
 * and no pause starts at once without the p-queue round trip (p-queue would start it at once too);
 * the p-queue's concurrency is kept at what those direct calls leave free, so the limit holds
 * across both paths. The p-queue is created on first need, so idle children cost little.
 * p-queue's rate limiting reads the global `Date.now`/`setTimeout` (jest's fake timers drive them);
 * call timeouts use the supervisor's clock instead.
 */
export class ExecutionQueue {
  readonly #concurrency: number;
  readonly #rateLimit: RateLimit | undefined;
  #queue: PQueue | undefined;
  /** Paused by the child (no live instance, or a hot swap in progress). */
  #isPaused = false;
  /** Paused because direct calls use the whole capacity. */
  #isFull = false;
  /** Calls started directly and still running. */
  #direct = 0;

  constructor(concurrency: number, rateLimit: RateLimit | undefined) {
    this.#concurrency = concurrency;
    this.#rateLimit = rateLimit;
  }

  /**
   * Runs `task` now or when capacity frees. The returned promise settles when the task does, or
   * rejects with `signal.reason` if the signal aborts while the task is still waiting (it is then dropped).
   */
  add(task: () => Promise<void>, priority: number, signal: AbortSignal | undefined): Promise<void> {
    const queue = this.#queue;
    const isIdle = queue === undefined || queue.size === 0;
    if (!this.#isPaused && this.#rateLimit === undefined && isIdle && this.#direct + (queue?.pending ?? 0) < this.#concurrency) {
      this.#direct += 1;
      const running = task();
      running.then(this.#release, this.#release);
      return running;
    }
    const waiting = this.#ensureQueue();
    this.#fitCapacity(waiting);
    // A task that waits runs in its caller's async context (its settings, its trace parent), not in that of the call that freed the slot.
    return waiting.add(AsyncResource.bind(task), { priority, signal });
  }

  /** True when a task added now would start at once (free capacity, nothing waiting, not paused); the rate limit's interval cap aside. */
  get hasFreeCapacity(): boolean {
    const queue = this.#queue;
    return !this.#isPaused && (queue === undefined || queue.size === 0) && this.#direct + (queue?.pending ?? 0) < this.#concurrency;
  }

  /** Stops starting waiting tasks; running ones continue. */
  pause(): void {
    this.#isPaused = true;
    this.#queue?.pause();
  }

  /** Starts waiting tasks again. */
  resume(): void {
    this.#isPaused = false;
    if (this.#queue !== undefined && !this.#isFull) this.#queue.start();
  }

  get isPaused(): boolean {
    return this.#isPaused;
  }

  /**
   * Drops every waiting task without running it. Their `add` promises never settle, so the caller
   * must already have settled the calls those tasks stood for.
   */
  clear(): void {
    this.#queue?.clear();
  }

  readonly #release = (): void => {
    this.#direct -= 1;
    const queue = this.#queue;
    if (queue !== undefined && queue.size > 0) this.#fitCapacity(queue);
  };

  /** Gives the p-queue the capacity direct calls leave free (pausing it when none is). */
  #fitCapacity(queue: PQueue): void {
    const free = this.#concurrency - this.#direct;
    if (free < 1) {
      this.#isFull = true;
      queue.pause();
      return;
    }
    if (queue.concurrency !== free) queue.concurrency = free;
    if (this.#isFull) {
      this.#isFull = false;
      if (!this.#isPaused) queue.start();
    }
  }

  #ensureQueue(): PQueue {
    if (this.#queue === undefined) {
      this.#queue = new PQueue({
        concurrency: this.#concurrency,
        ...(this.#rateLimit === undefined ? {} : { interval: this.#rateLimit.intervalMs, intervalCap: this.#rateLimit.cap }),
        autoStart: !this.#isPaused,
      });
    }
    return this.#queue;
  }
}
