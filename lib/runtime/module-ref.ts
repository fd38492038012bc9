import type { Prediction } from '../primitives/prediction';
import type { Checkpoint } from './checkpoint-store';
import type { Child } from './child';
import type { CallRecord } from './execution-history';
import type { ChildMetrics } from './metrics';

/** Where a child is: serving, between instances (after a crash), or stopped. */
export type ModuleRefStatus = 'running' | 'restarting' | 'stopped';

/** Options of `ModuleRef.forward`. */
export interface SupervisedCallOptions {
  /** Aborting it rejects the call with `signal.reason` (not a crash); a queued call leaves the queue. */
  signal?: AbortSignal;
  /** Overrides the child's `timeoutMs` for this call; counted from when the call starts running. */
  timeoutMs?: number;
  /** Higher runs first among waiting calls (default 0), as p-queue. */
  priority?: number;
}

/**
 * A stable handle on a supervised child: it stays valid across restarts and hot swaps, and each
 * call runs on whichever instance is live when the call starts.
 * @example
 * const qa = await supervisor.startChild({ id: 'qa', start: () => new QA() });
 * const prediction = await qa.forward({ question: 'Why is the sky blue?' }, { timeoutMs: 30_000 });
 */
export interface ModuleRef<I = Record<string, unknown>, P = Prediction> {
  readonly id: string;
  /** The version now serving (changed by `hotSwap`). */
  readonly version: string;
  readonly status: ModuleRefStatus;
  /**
   * Runs the call through the child's execution queue.
   * @throws {ModuleCrashedError} MODULE_CRASHED when the instance crashed or timed out on this call (cause: what it threw).
   * @throws {ModuleExit} MODULE_EXIT when the module ended itself on this call.
   * @throws {ChildStoppedError} CHILD_STOPPED; {SupervisorStoppedError} SUPERVISOR_STOPPED; {SupervisorEscalationError} SUPERVISOR_ESCALATION — unless a fallback serves the call.
   * @throws {InputValidationError} INPUT_INVALID when inputs are not an object or options are invalid.
   */
  forward(inputs: I, options?: SupervisedCallOptions): Promise<P>;
  /**
   * A parameter of the live instance. While the child restarts, waits for the new instance (at
   * most its `timeoutMs`, or 5 s).
   * @throws {ChildStoppedError} CHILD_STOPPED when the child is stopped or does not come back in time.
   */
  getParameter(path: string): Promise<unknown>;
  /**
   * Sets a parameter of the live instance (validated by the module), waiting as `getParameter` does.
   * @throws {ParameterValidationError} PARAMETER_INVALID; {ChildStoppedError} CHILD_STOPPED.
   */
  setParameter(path: string, value: unknown): Promise<void>;
  /** Saves the live instance's state to the supervisor's checkpoint store now (waiting as `getParameter` does). */
  checkpoint(): Promise<Checkpoint>;
  /** Loads a checkpoint into the live instance, waiting as `getParameter` does (migrated when it comes from another version and `hotSwap` gave a `migrate`). */
  restore(checkpoint: Checkpoint): Promise<void>;
  /** Counters and latency percentiles, computed now. */
  metrics(): ChildMetrics;
  /** The last `n` (default all) of the last 1000 calls, oldest first. */
  history(n?: number): CallRecord[];
}

/**
 * The `ModuleRef` of a child whose `start` returns `M`: typed by `M.forward`'s inputs and result
 * (`ref.forward({ mesage })` is a compile error when `M.forward` takes `{ message }`); loose for a
 * `Supervisor` or a module whose `forward` takes any inputs.
 */
export type ModuleRefOf<M> = M extends { forward(inputs: infer I, ...rest: never[]): Promise<infer P> } ? ModuleRef<I, P> : ModuleRef;

/** The `ModuleRef` the registry hands out; every method delegates to the supervisor's child. */
export class ChildRef implements ModuleRef {
  readonly #child: Child;

  constructor(child: Child) {
    this.#child = child;
  }

  get id(): string {
    return this.#child.id;
  }

  get version(): string {
    return this.#child.version;
  }

  get status(): ModuleRefStatus {
    return this.#child.status;
  }

  forward(inputs: Record<string, unknown>, options?: SupervisedCallOptions): Promise<Prediction> {
    return this.#child.call(inputs, options);
  }

  getParameter(path: string): Promise<unknown> {
    return this.#child.getParameter(path);
  }

  setParameter(path: string, value: unknown): Promise<void> {
    return this.#child.setParameter(path, value);
  }

  checkpoint(): Promise<Checkpoint> {
    return this.#child.checkpoint();
  }

  restore(checkpoint: Checkpoint): Promise<void> {
    return this.#child.restore(checkpoint);
  }

  metrics(): ChildMetrics {
    return this.#child.metrics();
  }

  history(n?: number): CallRecord[] {
    return this.#child.recentCalls(n);
  }
}
