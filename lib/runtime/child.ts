import { ChildStoppedError, DspexError, InputValidationError, SupervisorStoppedError, describeProblem, describeValue } from '../errors';
import type { Logger } from '../logging/logger';
import type { Prediction } from '../primitives/prediction';
import { attemptCall } from './call-attempt';
import { assertInputs, validateCallOptions } from './call-options';
import { assertCheckpointShape } from './checkpoint-shape';
import type { Checkpoint } from './checkpoint-store';
import { Checkpointer } from './checkpointer';
import type { ChildInstance, ResolvedChildSpec } from './child-spec';
import type { Clock, ClockTimer } from './clock';
import { ExecutionHistory, type CallOutcome, type CallRecord } from './execution-history';
import { ExecutionQueue } from './execution-queue';
import { runFallback } from './fallback';
import { CallCounters, metricsOf, type ChildMetrics } from './metrics';
import { childStopped, nestedEscalation, nestedForward, notBackInTime, overloaded } from './child-errors';
import { ChildRef, type ModuleRef, type ModuleRefStatus, type SupervisedCallOptions } from './module-ref';
import { PendingCall } from './pending-call';
import type { ChildSummary, RegistryEntry } from './registry';
import { applyCheckpoint, type StartContext } from './start-instance';
import type { SupervisableModule } from './supervisable-module';
import { isSupervisor, type NestedSupervisor } from './supervisor-brand';
import { traceSupervisedCall } from '../tracing/supervised-call-span';
import { ThreadRetirements } from './thread-module';

/** How long parameter access and checkpoints wait for a restarting child without a `timeoutMs`. */
const PARAMETER_WAIT_MS = 5000;

/** What a child needs from its supervisor. */
export interface ChildHost extends StartContext {
  readonly clock: Clock;
  /** The supervisor's scope token (supervision-scope.ts). */
  readonly token: object;
  /** The error a new call gets from the supervisor itself (stopped, escalated), or undefined to accept it. */
  refusal(): DspexError | undefined;
  /** While the supervisor recovers from an escalation: settles when it is done (new calls wait for it). */
  recovery(): Promise<void> | undefined;
  /** An instance of `child` (of `generation`) exited; the supervisor decides what happens next. */
  reportExit(child: Child, generation: number, reason: 'normal' | 'crashed', error: DspexError): void;
  lookup(id: string): ModuleRef | undefined;
}

/**
 * One supervised child: its spec, its live instance, its execution queue and its counters. The
 * supervisor decides restarts; the child runs calls, settles each exactly once, and hands exits up.
 */
export class Child implements RegistryEntry {
  readonly spec: ResolvedChildSpec;
  readonly ref: ModuleRef;
  status: ModuleRefStatus = 'restarting';
  /** The error of the last crash: what a fallback gets while the child restarts, and the cause of an escalation. */
  lastCrash: DspexError | undefined;
  readonly #host: ChildHost;
  readonly #counters = new CallCounters();
  readonly #history = new ExecutionHistory();
  readonly #queue: ExecutionQueue;
  readonly #checkpointer: Checkpointer;
  readonly #calls = new Set<PendingCall>();
  /** Worker threads of discarded thread-isolated instances, ending once their calls are done. */
  readonly #retirements = new ThreadRetirements();
  #instance: ChildInstance | undefined;
  #generation = 0;
  #isSwapping = false;
  #isNested = false;
  #detachNested: (() => void) | undefined;
  #liveWaiters: ((isLive: boolean) => void)[] = [];
  #idleWaiters: (() => void)[] = [];
  #log: Logger | undefined;

  constructor(spec: ResolvedChildSpec, host: ChildHost) {
    this.spec = spec;
    this.#host = host;
    this.ref = new ChildRef(this);
    this.#queue = new ExecutionQueue(spec.concurrency, spec.rateLimit);
    this.#queue.pause();
    this.#checkpointer = new Checkpointer(this, host.checkpointStore, spec.checkpoint, host.clock, () => this.log);
  }

  get id(): string {
    return this.spec.id;
  }

  get version(): string {
    return this.spec.version;
  }

  /** Bumped each time an instance goes live or is discarded, so exits of an old instance are recognised as stale. */
  get generation(): number {
    return this.#generation;
  }

  get log(): Logger {
    this.#log ??= this.#host.log.child({ child: this.spec.id });
    return this.#log;
  }

  get restarts(): number {
    return this.#counters.restarts;
  }

  summary(): ChildSummary {
    return { id: this.id, version: this.version, status: this.status, restarts: this.#counters.restarts };
  }

  /** Makes `instance` the live one; calls waiting for an instance start on it. */
  activate(instance: ChildInstance, options: { isRestart: boolean }): void {
    this.#instance = instance;
    this.#generation += 1;
    this.status = 'running';
    if (options.isRestart) this.#counters.restarts += 1;
    const generation = this.#generation;
    if (isSupervisor(instance)) {
      this.#isNested = true;
      // A nested supervisor that passes its intensity counts as one crash of this child (OTP).
      this.#detachNested = instance.registry.on('escalated', (event) => {
        this.#host.reportExit(this, generation, 'crashed', nestedEscalation(this.id, event));
      });
    } else {
      this.#checkpointer.attach(instance);
    }
    this.#updateGate();
    for (const wake of this.#liveWaiters.splice(0)) wake(true);
  }

  /** A child stopped by its supervisor's escalation is about to start again (recovery): calls wait for it. */
  prepareRestart(): void {
    if (this.status === 'stopped') this.status = 'restarting';
  }

  /** Drops the live instance (calls running on it finish there); waiting calls hold until the next `activate`. Returns it. */
  discard(): ChildInstance | undefined {
    const old = this.#instance;
    this.#instance = undefined;
    this.#retirements.retire(old);
    this.#generation += 1;
    if (this.status !== 'stopped') this.status = 'restarting';
    this.#detachNested?.();
    this.#detachNested = undefined;
    this.#checkpointer.detach();
    this.#updateGate();
    return old;
  }

  /**
   * Stops the child: new calls get `ChildStoppedError`; waiting calls are settled with `error`
   * (or served by the fallback); running calls get `shutdownMs` to finish, then are aborted.
   * `graceMs` (default `shutdownMs`) is 0 after a drain that already waited. Returns the discarded
   * instance (a nested supervisor still has to be stopped by the caller).
   */
  async terminate(error: DspexError, graceMs = this.spec.shutdownMs): Promise<ChildInstance | undefined> {
    this.status = 'stopped';
    for (const wake of this.#liveWaiters.splice(0)) wake(false);
    const waiting = [...this.#calls].filter((call) => call.phase === 'queued');
    this.#queue.clear();
    await Promise.all(waiting.map((call) => this.#settleUnavailable(call, error)));
    await this.#abortAfter(graceMs, error);
    this.#checkpointer.savePending();
    const old = this.discard();
    await this.#checkpointer.flush();
    await this.#retirements.settled();
    return old;
  }

  /** Waits (at most `shutdownMs`, default the spec's) until every accepted call has settled; the child keeps serving meanwhile. */
  async drain(shutdownMs = this.spec.shutdownMs): Promise<void> {
    await this.#whenIdle(shutdownMs);
  }

  /**
   * Runs a call through the queue; see `ModuleRef.forward`. Not an `async` function: on the hot
   * path the caller gets the call's own promise, without an extra wrapping promise.
   */
  call(inputs: Record<string, unknown>, options: SupervisedCallOptions = {}): Promise<Prediction> {
    // One span per call, from arrival to settlement, while a tracer provider is registered.
    return traceSupervisedCall(this, options, () => this.#call(inputs, options));
  }

  #call(inputs: Record<string, unknown>, options: SupervisedCallOptions): Promise<Prediction> {
    try {
      const { signal, timeoutMs, priority } = validateCallOptions(options);
      if (signal?.aborted) {
        this.#record(this.#host.clock.now(), 'cancelled', undefined, inputs);
        this.#counters.cancelled += 1;
        return Promise.reject(signal.reason);
      }
      assertInputs(this.id, inputs);
      const recovery = this.#host.recovery();
      if (recovery !== undefined) return this.#callAfter(recovery, inputs, options, signal);
      if (this.#isNested) {
        throw nestedForward(this.id);
      }
      const startedAt = this.#host.clock.now();
      const refusal = this.#host.refusal() ?? (this.status === 'stopped' ? this.#stoppedError() : undefined);
      if (refusal !== undefined) return this.#serveUnavailable(inputs, refusal, startedAt, signal);
      if (this.status === 'restarting' && this.spec.fallback !== undefined)
        return this.#serveUnavailable(inputs, this.lastCrash ?? this.#stoppedError(), startedAt, signal);
      // Only a call that would have to wait counts against maxQueued (running calls are not counted).
      if (this.#counters.queued >= this.spec.maxQueued && !this.#queue.hasFreeCapacity) return this.#reject(inputs, startedAt);
      const call = new PendingCall(inputs, signal, timeoutMs ?? this.spec.timeoutMs, startedAt);
      this.#calls.add(call);
      this.#counters.queued += 1;
      const queued = this.#queue.add(() => this.#run(call), priority ?? 0, signal);
      // p-queue rejects only when the caller's signal aborts (#run never throws); a call that never
      // started is settled here, a running one by its attempt, which sees the same abort.
      if (signal !== undefined) queued.catch((reason: unknown) => (call.phase === 'queued' ? this.#cancel(call, reason) : undefined));
      return call.promise;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The live nested supervisor, when this child is one. */
  nestedSupervisor(): NestedSupervisor | undefined {
    return this.#isNested && this.#instance !== undefined ? (this.#instance as unknown as NestedSupervisor) : undefined;
  }

  /** The live module instance. @throws {ChildStoppedError} CHILD_STOPPED when none is live. */
  liveModule(): SupervisableModule {
    const instance = this.#instance;
    if (instance === undefined || this.#isNested || this.status !== 'running') throw this.#stoppedError();
    return instance as SupervisableModule;
  }

  async getParameter(path: string): Promise<unknown> {
    return (await this.#awaitLiveModule()).getParameter(path);
  }

  async setParameter(path: string, value: unknown): Promise<void> {
    // A thread-isolated instance answers with a Promise: the change is made once it settles.
    const done: unknown = (await this.#awaitLiveModule()).setParameter(path, value);
    await done;
    this.#checkpointer.noteChange();
  }

  async checkpoint(): Promise<Checkpoint> {
    return this.#checkpointer.saveNow(await this.#awaitLiveModule());
  }

  async restore(checkpoint: Checkpoint): Promise<void> {
    const valid = assertCheckpointShape(checkpoint, `given to restore() of "${this.id}"`);
    await applyCheckpoint(await this.#awaitLiveModule(), valid, this.spec);
    this.#checkpointer.noteChange();
  }

  /**
   * The live module; while the child restarts (or swaps, or its supervisor recovers) waits for the
   * next instance, at most the child's `timeoutMs` or 5 s.
   * @throws {ChildStoppedError} CHILD_STOPPED when the child is stopped or does not come back in time.
   */
  async #awaitLiveModule(): Promise<SupervisableModule> {
    const limitMs = this.spec.timeoutMs ?? PARAMETER_WAIT_MS;
    const deadline = this.#host.clock.now() + limitMs;
    await this.#host.recovery()?.catch(() => undefined);
    for (;;) {
      if (this.#instance !== undefined && !this.#isSwapping && this.status === 'running' && !this.#isNested) return this.#instance as SupervisableModule;
      const remaining = deadline - this.#host.clock.now();
      if (this.status === 'stopped' || this.#isNested || remaining <= 0 || !(await this.#whenLiveWithin(remaining))) {
        throw this.status === 'stopped' || this.#isNested ? this.#stoppedError() : notBackInTime(this.id, this.status, limitMs);
      }
    }
  }

  /** Like `whenLive`, but resolves false after `limitMs` on the supervisor's clock. */
  #whenLiveWithin(limitMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.#host.clock.setTimeout(() => resolve(false), limitMs);
      void this.whenLive().then((isLive) => {
        this.#host.clock.clearTimeout(timer);
        resolve(isLive);
      });
    });
  }

  metrics(): ChildMetrics {
    return metricsOf(this.#counters, this.#history.latencies());
  }

  recentCalls(count?: number): CallRecord[] {
    if (count !== undefined && !(Number.isInteger(count) && count >= 0)) {
      throw new InputValidationError(describeProblem('history(n) takes a whole number ≥ 0.', describeValue(count), 'Call history(10), or history() for all.'));
    }
    return this.#history.last(count);
  }

  /** Holds new calls (running ones continue) while a hot swap moves state; returns the live module. */
  beginSwap(): SupervisableModule {
    const instance = this.liveModule();
    this.#isSwapping = true;
    this.#updateGate();
    return instance;
  }

  /** Ends a swap: with `next`, it becomes the live instance and later restarts use its start and version. */
  endSwap(next?: { instance: SupervisableModule; start: ResolvedChildSpec['start']; version: string; migrate: ResolvedChildSpec['migrate'] }): void {
    this.#isSwapping = false;
    if (next === undefined || this.status === 'stopped') {
      this.#updateGate();
      return;
    }
    this.discard();
    this.spec.start = next.start;
    this.spec.version = next.version;
    if (next.migrate !== undefined) this.spec.migrate = next.migrate;
    this.activate(next.instance, { isRestart: false });
  }

  /** Saves the live module's state now, in the background (after a swap, so a restart restores the new version). */
  checkpointInBackground(): void {
    if (this.#instance === undefined || this.#isNested) return;
    this.#checkpointer.saveNow(this.#instance as SupervisableModule).catch((error: unknown) => this.log.warn({ err: error }, 'checkpoint failed'));
  }

  /** Resolves true once an instance is live, or false once the child stops. */
  whenLive(): Promise<boolean> {
    if (this.status === 'stopped') return Promise.resolve(false);
    if (this.#instance !== undefined && !this.#isSwapping) return Promise.resolve(true);
    return new Promise((resolve) => this.#liveWaiters.push(resolve));
  }

  async #run(call: PendingCall): Promise<void> {
    if (call.phase !== 'queued') return;
    call.phase = 'running';
    this.#counters.queued -= 1;
    this.#counters.running += 1;
    try {
      let retriesLeft = this.spec.retries;
      for (;;) {
        const instance = this.#instance;
        if (instance === undefined || this.#isSwapping) {
          if (!(await this.whenLive())) return await this.#settleUnavailable(call, this.#host.refusal() ?? this.#stoppedError());
          continue;
        }
        const generation = this.#generation;
        const outcome = await attemptCall(call, instance as SupervisableModule, {
          id: this.id,
          version: this.version,
          clock: this.#host.clock,
          token: this.#host.token,
          crashOn: this.spec.crashOn,
        });
        if (outcome.kind === 'success') return this.#succeed(call, outcome.prediction);
        if (outcome.kind === 'cancelled') return this.#cancel(call, outcome.reason);
        if (outcome.kind === 'failure') {
          // A call failure says nothing about the instance: it keeps serving, and a retry runs on it again.
          this.log.debug({ code: outcome.error.code, retriesLeft }, 'call failed');
          if (retriesLeft > 0 && outcome.error.code !== 'INPUT_INVALID') {
            retriesLeft -= 1;
            continue;
          }
          return await this.#settleWithFallback(call, outcome.error);
        }
        if (outcome.kind === 'exit') {
          this.#host.reportExit(this, generation, 'normal', outcome.error);
          return this.#fail(call, outcome.error);
        }
        this.#host.reportExit(this, generation, 'crashed', outcome.error);
        if (retriesLeft > 0 && (await this.whenLive())) {
          retriesLeft -= 1;
          continue;
        }
        return await this.#settleWithFallback(call, outcome.error);
      }
    } catch (error) {
      // Nothing above should throw; if something does, the call still settles exactly once.
      this.log.error({ err: error }, 'call bookkeeping failed');
      if (!call.isSettled) this.#fail(call, error);
    }
  }

  #succeed(call: PendingCall, prediction: Prediction): void {
    this.#counters.successes += 1;
    this.#release(call, 'success', undefined);
    call.resolve(prediction);
  }

  #fail(call: PendingCall, error: unknown): void {
    this.#counters.failures += 1;
    this.#release(call, 'failure', error);
    call.reject(error);
  }

  #cancel(call: PendingCall, reason: unknown): void {
    this.#counters.cancelled += 1;
    this.#release(call, 'cancelled', reason);
    call.reject(reason);
  }

  /** A waiting call that can no longer run here: the fallback serves it, or it rejects with `error`. */
  async #settleUnavailable(call: PendingCall, error: DspexError): Promise<void> {
    await this.#settleWithFallback(call, error);
  }

  async #settleWithFallback(call: PendingCall, error: DspexError): Promise<void> {
    if (this.spec.fallback === undefined || error instanceof SupervisorStoppedError) return this.#fail(call, error);
    try {
      const prediction = await runFallback(this.spec.fallback, call.inputs, error, call.signal, this.#host.lookup);
      this.#counters.failures += 1;
      this.#counters.fallbacks += 1;
      this.#release(call, 'fallback', error);
      call.resolve(prediction);
    } catch (fallbackError) {
      this.log.warn({ err: fallbackError, cause: error.code }, 'fallback failed');
      this.#fail(call, error);
    }
  }

  /** A call that arrived while the supervisor recovers: it waits, then goes through `call` as if it arrived now. */
  #callAfter(recovery: Promise<void>, inputs: Record<string, unknown>, options: SupervisedCallOptions, signal: AbortSignal | undefined): Promise<Prediction> {
    const startedAt = this.#host.clock.now();
    return new Promise<Prediction>((resolve, reject) => {
      const onAbort = (): void => {
        this.#counters.cancelled += 1;
        this.#record(startedAt, 'cancelled', signal?.reason, inputs);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const proceed = (): void => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted !== true) this.#call(inputs, options).then(resolve, reject);
      };
      recovery.then(proceed, proceed);
    });
  }

  /** A call that never entered the queue (child stopped, supervisor escalated or stopped, or restarting with a fallback). */
  async #serveUnavailable(inputs: Record<string, unknown>, error: DspexError, startedAt: number, signal: AbortSignal | undefined): Promise<Prediction> {
    if (this.spec.fallback !== undefined && !(error instanceof SupervisorStoppedError)) {
      try {
        const prediction = await runFallback(this.spec.fallback, inputs, error, signal, this.#host.lookup);
        this.#counters.failures += 1;
        this.#counters.fallbacks += 1;
        this.#record(startedAt, 'fallback', error, inputs);
        return prediction;
      } catch (fallbackError) {
        this.log.warn({ err: fallbackError, cause: error.code }, 'fallback failed');
      }
    }
    this.#counters.failures += 1;
    this.#record(startedAt, 'failure', error, inputs);
    throw error;
  }

  /** A call over `maxQueued`: rejected at once, never run, never served by the fallback. */
  #reject(inputs: Record<string, unknown>, startedAt: number): Promise<Prediction> {
    this.#counters.rejected += 1;
    const error = overloaded(this.id, this.spec.maxQueued, this.#counters.queued, this.#counters.running);
    this.#record(startedAt, 'rejected', error, inputs);
    return Promise.reject(error);
  }

  /** Bookkeeping common to every settlement: counters of the phase left, history, idle waiters. */
  #release(call: PendingCall, outcome: CallOutcome, error: unknown): void {
    if (call.phase === 'queued') this.#counters.queued -= 1;
    else if (call.phase === 'running') this.#counters.running -= 1;
    call.phase = 'settled';
    this.#calls.delete(call);
    this.#record(call.startedAt, outcome, error, call.inputs);
    if (this.#calls.size === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  #record(startedAt: number, outcome: CallOutcome, error: unknown, inputs: Record<string, unknown>): void {
    const errorCode = DspexError.is(error) ? error.code : error instanceof Error ? error.name : undefined;
    const durationMs = this.#host.clock.now() - startedAt;
    // Inputs may carry prompts and user data: kept only when the supervisor logs at debug.
    const entry: CallRecord = this.#host.log.isLevelEnabled('debug')
      ? { startedAt, durationMs, outcome, errorCode, inputs }
      : { startedAt, durationMs, outcome, errorCode };
    this.#history.record(entry);
  }

  #whenIdle(timeoutMs: number): Promise<void> {
    if (this.#calls.size === 0 || timeoutMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: ClockTimer | undefined;
      const done = (): void => {
        if (timer !== undefined) this.#host.clock.clearTimeout(timer);
        resolve();
      };
      this.#idleWaiters.push(done);
      if (Number.isFinite(timeoutMs)) timer = this.#host.clock.setTimeout(done, timeoutMs);
    });
  }

  /** Waits for running calls up to `shutdownMs`, then aborts those still running with `error`. */
  async #abortAfter(shutdownMs: number, error: DspexError): Promise<void> {
    await this.#whenIdle(shutdownMs);
    for (const call of [...this.#calls]) {
      if (call.interrupt !== undefined) call.interrupt(error);
      else if (call.phase === 'queued') this.#fail(call, error);
    }
  }

  #updateGate(): void {
    if (this.#instance === undefined || this.#isSwapping || this.status === 'stopped') this.#queue.pause();
    else this.#queue.resume();
  }

  #stoppedError(): ChildStoppedError {
    return childStopped(this.id, this.status);
  }
}
