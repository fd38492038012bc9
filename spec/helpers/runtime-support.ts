import pino from 'pino';
import { Writable } from 'node:stream';
import { Parameter } from '../../lib/decorators/parameter';
import { ModuleExit } from '../../lib/errors';
import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import type { Clock, ClockTimer } from '../../lib/runtime/clock';

/** A clock that moves only when the test says so; timers fire in due order during `advance`. */
export class ManualClock implements Clock {
  #now = 0;
  #nextId = 1;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): ClockTimer {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimeout(timer: ClockTimer): void {
    this.#timers.delete(timer as number);
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward, firing each due timer at its own time. */
  advance(milliseconds: number): void {
    const target = this.#now + milliseconds;
    for (;;) {
      let nextId: number | undefined;
      let nextAt = Number.POSITIVE_INFINITY;
      for (const [id, timer] of this.#timers) {
        if (timer.at <= target && timer.at < nextAt) {
          nextAt = timer.at;
          nextId = id;
        }
      }
      if (nextId === undefined) break;
      const timer = this.#timers.get(nextId)!;
      this.#timers.delete(nextId);
      this.#now = timer.at;
      timer.callback();
    }
    this.#now = target;
  }
}

/** Lets every pending promise chain run (no wall-clock waiting: a few turns of the event loop). */
export async function settle(turns = 5): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A logger that writes nowhere. */
export const silentLogger = pino({ level: 'silent' });

/** A pino logger at `level` whose records are parsed into `records`. */
export function memoryLogger(level = 'debug'): { logger: pino.Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') records.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: pino({ level }, stream), records };
}

/** A promise the test resolves by hand. */
export class Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

let instanceCounter = 0;

/**
 * A module for supervision specs. `forward({ n })` answers `n + offset` and names the instance
 * that served it. Inputs steer it: `crash` throws, `exit` throws ModuleExit, `hang` waits for the
 * signal, `gate` waits for a Deferred, `tune` sets offset first.
 */
export class Worker extends Module {
  @Parameter({ description: 'added to every answer' }) offset = 0;
  readonly instance = ++instanceCounter;
  readonly served: number[] = [];

  async forward(inputs: Record<string, unknown>, options: { signal?: AbortSignal } = {}): Promise<Prediction> {
    if (typeof inputs.tune === 'number') this.offset = inputs.tune;
    if (inputs.gate instanceof Deferred) await inputs.gate.promise;
    if (inputs.hang === true) {
      await new Promise<never>((_resolve, reject) => {
        options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true });
      });
    }
    if (inputs.crash === true) throw new Error(`boom from instance ${this.instance}`);
    if (inputs.exit === true) throw new ModuleExit();
    const n = typeof inputs.n === 'number' ? inputs.n : 0;
    this.served.push(n);
    return new Prediction({ value: n + this.offset, instance: this.instance });
  }
}

/** A `start` that records every instance it makes. */
export function workerFactory(): { start: () => Worker; instances: Worker[] } {
  const instances: Worker[] = [];
  return {
    instances,
    start: () => {
      const worker = new Worker();
      instances.push(worker);
      return worker;
    },
  };
}
