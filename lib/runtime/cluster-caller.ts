import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, type ConnectionOptions } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import { ChildOverloadedError, InputValidationError, ModuleCrashedError, describeProblem, describeValue } from '../errors';
import type { Logger } from '../logging/logger';
import type { Prediction } from '../primitives/prediction';
import { isPlainObject } from '../util/is-plain-object';
import { validateOptions } from '../util/validate-options';
import { decodeError } from './cluster-error-codec';
import { decodePrediction } from './prediction-codec';
import { readClusterMetrics } from './cluster-metrics';
import { CLUSTER_TIMINGS, ClusterKeys } from './cluster-options';
import { PRIORITY_RANGE, bullPriorityOf, type CallJobData, type CallResult, type ControlMessage } from './cluster-protocol';
import type { ChildMetrics } from './metrics';
import { closeWithinBudget, withinRetryBudget, type ConnectionHealth } from './redis-connection';

/** Options of a cluster call. */
export interface ClusterCallOptions {
  /** Aborting it rejects the call with `signal.reason`: a waiting call leaves the queue, a running one is signalled. */
  signal?: AbortSignal;
  /** Counted from the call, queue time included: still queued then → `ChildOverloadedError`; running → `ModuleCrashedError` (`details.reason: 'timeout'`). */
  timeoutMs?: number;
  /** Higher runs first among waiting calls (default 0; whole numbers within ±1,048,575). */
  priority?: number;
}

/**
 * A handle on a child served by the cluster's workers, from any process.
 * @example
 * const qa = cluster.ref('qa');
 * const prediction = await qa.forward({ question: 'Why is the sky blue?' }, { timeoutMs: 30_000 });
 */
export interface ClusterModuleRef {
  readonly id: string;
  /**
   * Sends the call to the child's queue; one worker runs it; resolves with its `Prediction`.
   * @throws the error the worker saw, rebuilt with the same class and code (`ModuleCrashedError`, `LMHttpError`, …; `cause` as text).
   * @throws {ChildOverloadedError} CHILD_OVERLOADED when `timeoutMs` ran out while the call was still queued.
   * @throws {ClusterUnavailableError} CLUSTER_UNAVAILABLE when Redis stays unreachable for the retry budget.
   * @throws {InputValidationError} INPUT_INVALID for inputs that are not an object, or invalid options.
   */
  forward(inputs: Record<string, unknown>, options?: ClusterCallOptions): Promise<Prediction>;
  /** The child's metrics summed over every worker. */
  metrics(): Promise<ChildMetrics>;
}

/** What a caller needs from its cluster. */
export interface CallerContext {
  readonly prefix: string;
  readonly redisOptions: RedisOptions;
  readonly commands: () => Redis;
  readonly health: ConnectionHealth;
  readonly log: Logger;
}

interface PendingCall {
  resolve(prediction: Prediction): void;
  reject(error: unknown): void;
  added: Promise<void>;
  timer: NodeJS.Timeout | undefined;
  cleanup: () => void;
}

const inputError = (message: string, details: Record<string, unknown>): Error => new InputValidationError(message, { details });

/** The caller's side of one child: its queue, its events, and the calls waiting for an answer. */
export class ClusterCaller implements ClusterModuleRef {
  readonly id: string;
  readonly #keys: ClusterKeys;
  readonly #context: CallerContext;
  readonly #pending = new Map<string, PendingCall>();
  #queue: Queue | undefined;
  #events: QueueEvents | undefined;
  #ready: Promise<void> | undefined;

  constructor(id: string, context: CallerContext) {
    this.id = id;
    this.#keys = new ClusterKeys(context.prefix, id);
    this.#context = context;
  }

  forward(inputs: Record<string, unknown>, options?: ClusterCallOptions): Promise<Prediction> {
    try {
      if (!isPlainObject(inputs))
        throw inputError(
          describeProblem(`Cluster call to "${this.id}": inputs must be a plain object.`, describeValue(inputs), 'Pass e.g. { question: "…" }.'),
          { id: this.id },
        );
      validateOptions(
        `cluster.ref("${this.id}").forward`,
        options,
        { signal: { kind: 'signal' }, timeoutMs: { kind: 'duration' }, priority: { kind: 'integer', min: -PRIORITY_RANGE, max: PRIORITY_RANGE } },
        { error: inputError, details: { id: this.id } },
      );
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal, timeoutMs, priority } = options ?? {};
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    const jobId = randomUUID();
    return new Promise<Prediction>((resolve, reject) => {
      const onAbort = (): void => {
        this.#settle(jobId, (call) => call.reject(signal!.reason));
        void this.#withdraw(added, jobId, 'cancel').catch((error: unknown) =>
          this.#context.log.warn({ err: error, child: this.id }, 'cancelled call not withdrawn'),
        );
      };
      const data: CallJobData = { inputs, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
      const added = withinRetryBudget(`sending a call to "${this.id}"`, () => this.#add(jobId, data, priority), this.#context.health);
      const call: PendingCall = {
        resolve,
        reject,
        added,
        timer: timeoutMs === undefined ? undefined : setTimeout(() => void this.#expire(jobId).catch(() => undefined), timeoutMs),
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      this.#pending.set(jobId, call);
      signal?.addEventListener('abort', onAbort, { once: true });
      added.catch((error: unknown) => this.#settle(jobId, (pending) => pending.reject(error)));
    });
  }

  async metrics(): Promise<ChildMetrics> {
    return withinRetryBudget(
      `reading the metrics of "${this.id}"`,
      () => readClusterMetrics(this.#context.commands(), this.#queueOf(), this.#keys),
      this.#context.health,
    );
  }

  /** Closes the queue and event connections. */
  async close(): Promise<void> {
    await Promise.all([closeWithinBudget(this.#events), closeWithinBudget(this.#queue)]);
  }

  #queueOf(): Queue {
    if (this.#queue === undefined) {
      this.#queue = new Queue(this.#keys.queue, {
        connection: this.#context.redisOptions as ConnectionOptions,
        prefix: this.#context.prefix,
        streams: { events: { maxLen: 100_000 } },
      });
      this.#context.health.watch(this.#queue);
    }
    return this.#queue;
  }

  async #add(jobId: string, data: CallJobData, priority: number | undefined): Promise<void> {
    this.#ready ??= this.#listen();
    await this.#ready;
    await this.#queueOf().add('call', data, {
      jobId,
      priority: bullPriorityOf(priority),
      removeOnComplete: { age: CLUSTER_TIMINGS.keepFinishedSeconds },
      removeOnFail: { age: CLUSTER_TIMINGS.keepFinishedSeconds },
    });
  }

  /** Starts reading the queue's event stream from its current end, before the first call is added. */
  async #listen(): Promise<void> {
    const queue = this.#queueOf();
    await queue.waitUntilReady();
    const streamKey = `${this.#context.prefix}:${this.#keys.queue}:events`;
    const last = await this.#context.commands().xrevrange(streamKey, '+', '-', 'COUNT', 1);
    const events = new QueueEvents(this.#keys.queue, {
      connection: this.#context.redisOptions as ConnectionOptions,
      prefix: this.#context.prefix,
      lastEventId: last[0]?.[0] ?? '0-0',
    });
    this.#context.health.watch(events);
    events.on('completed', ({ jobId, returnvalue }) => this.#receive(jobId, returnvalue as unknown as CallResult));
    events.on('failed', ({ jobId, failedReason }) =>
      this.#settle(jobId, (call) =>
        call.reject(
          new ModuleCrashedError(
            describeProblem(
              `The call to "${this.id}" failed in the cluster.`,
              describeValue(failedReason),
              'Its workers died too often while running it; check their logs.',
            ),
            {
              details: { id: this.id, reason: 'stalled', failedReason },
            },
          ),
        ),
      ),
    );
    this.#events = events;
    await events.waitUntilReady();
  }

  #receive(jobId: string, result: CallResult): void {
    this.#settle(jobId, (call) => {
      switch (result?.kind) {
        case 'ok':
          call.resolve(decodePrediction(result));
          return;
        case 'error':
          call.reject(decodeError(result.error));
          return;
        case 'expired':
          call.reject(this.#overloaded());
          return;
        default:
          // 'cancelled': the caller was already answered with its signal's reason.
          return;
      }
    });
  }

  /** Settles a pending call once: later events for the same job (a re-run after a stall) find nothing. */
  #settle(jobId: string, settle: (call: PendingCall) => void): void {
    const call = this.#pending.get(jobId);
    if (call === undefined) return;
    this.#pending.delete(jobId);
    clearTimeout(call.timer);
    call.cleanup();
    settle(call);
  }

  /** The call's `timeoutMs` ran out: still queued → removed and overloaded; running → the worker's timeout answers. */
  async #expire(jobId: string): Promise<void> {
    const call = this.#pending.get(jobId);
    if (call === undefined) return;
    if (await this.#withdraw(call.added, jobId, 'expire')) this.#settle(jobId, (pending) => pending.reject(this.#overloaded()));
  }

  /** Removes a job that is still waiting (true), or asks its worker to stop it (cancel). */
  async #withdraw(added: Promise<void>, jobId: string, why: 'cancel' | 'expire'): Promise<boolean> {
    try {
      await added;
    } catch {
      return false;
    }
    const queue = this.#queueOf();
    const state = await queue.getJobState(jobId);
    if ((state === 'waiting' || state === 'prioritized' || state === 'delayed') && (await queue.remove(jobId)) === 1) return true;
    if (why === 'cancel') {
      const message: ControlMessage = { type: 'cancel', queue: this.#keys.queue, jobId };
      await this.#context.commands().publish(ClusterKeys.control(this.#context.prefix), JSON.stringify(message));
    }
    return false;
  }

  #overloaded(): ChildOverloadedError {
    return new ChildOverloadedError(
      describeProblem(
        `The call to "${this.id}" waited in the cluster queue until its timeoutMs ran out.`,
        undefined,
        'Add workers, raise their concurrency, or give the call a longer timeoutMs.',
      ),
      { details: { id: this.id, reason: 'timeout' } },
    );
  }
}
