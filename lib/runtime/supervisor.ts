import {
  ChildExistsError,
  ChildNotFoundError,
  ChildSpecError,
  ChildStoppedError,
  DspexError,
  ModuleCrashedError,
  SupervisorEscalationError,
  SupervisorStoppedError,
  describeProblem,
  describeValue,
} from '../errors';
import { getRootLogger, type Logger } from '../logging/logger';
import { ParameterStore } from '../primitives/parameter-store';
import type { CheckpointStore } from './checkpoint-store';
import { errorSummary, logExit } from './exit-log';
import { Child, type ChildHost } from './child';
import { notStopped } from './child-errors';
import { assertChildReferences, resolveChildSpec, type ChildInstance, type ChildSpec } from './child-spec';
import { systemClock, unrefTimer, type Clock, type ClockTimer } from './clock';
import { performHotSwap, type HotSwapOptions } from './hot-swap';
import { MemoryCheckpointStore } from './memory-checkpoint-store';
import type { ModuleRef, ModuleRefOf } from './module-ref';
import { ChildRegistry, type Registry } from './registry';
import type { StopReason } from './registry-event';
import { RestartIntensity } from './restart-intensity';
import { shouldRestart } from './restart-policy';
import { childrenToRestart, type RestartStrategy } from './restart-strategy';
import { startInstance } from './start-instance';
import { bindSharedParameters } from './supervisable-module';
import { isInSupervision } from './supervision-scope';
import { ADOPT_PARAMETER_STORE, SUPERVISOR_BRAND, isSupervisor } from './supervisor-brand';
import { disposeUnused } from './thread-module';
import { validateStopOptions, validateSupervisorOptions, type StopOptions, type SupervisorOptions, type SupervisorStatus } from './supervisor-options';

/**
 * Supervises modules the way Erlang/OTP supervises processes: each child runs behind its own
 * execution queue; a child whose `forward` throws (or times out) is replaced by a fresh instance
 * restored from its last checkpoint, under its restart policy and the supervisor's strategy;
 * too many restarts too fast and the supervisor gives up and escalates to its parent.
 * @example
 * const supervisor = new Supervisor({ strategy: 'one_for_one', maxRestarts: 3, withinMs: 5000 });
 * const qa = await supervisor.startChild({ id: 'qa', start: () => new QA(), timeoutMs: 30_000 });
 * const prediction = await qa.forward({ question: 'What is OTP?' });
 * await supervisor.stop({ drain: true });
 */
export class Supervisor {
  /** Lookup, listing and events of this supervisor's children. */
  readonly registry: Registry;
  readonly name: string;
  readonly strategy: RestartStrategy;
  readonly #children = new Map<string, Child>();
  readonly #registry: ChildRegistry;
  readonly #intensity: RestartIntensity;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #checkpointStore: CheckpointStore;
  readonly #hasOwnParameterStore: boolean;
  readonly #defaultCheckpoint: 'manual' | 'on-change';
  readonly #host: ChildHost;
  readonly #token = {};
  readonly #background = new Set<Promise<unknown>>();
  #parameterStore: ParameterStore;
  #status: SupervisorStatus = 'running';
  #escalation: SupervisorEscalationError | undefined;
  #work: Promise<unknown> = Promise.resolve();
  #stopping: Promise<void> | undefined;
  readonly #recoverAfterMs: number | undefined;
  #recoverTimer: ClockTimer | undefined;
  #recovery: Promise<void> | undefined;
  /** Children stopped by the last escalation: the ones `recover()` starts again. */
  readonly #stoppedByEscalation = new Set<Child>();

  /** @throws {ConfigurationError} CONFIGURATION_INVALID for an unknown strategy or a bad option. */
  constructor(options?: SupervisorOptions) {
    const valid = validateSupervisorOptions(options);
    this.name = valid.name ?? 'supervisor';
    this.strategy = valid.strategy ?? 'one_for_one';
    this.#clock = valid.clock ?? systemClock;
    this.#intensity = new RestartIntensity(valid.maxRestarts ?? 3, valid.withinMs ?? 5000, this.#clock);
    this.#log = (valid.logger ?? getRootLogger()).child({ component: 'supervisor', supervisor: this.name });
    this.#checkpointStore = valid.checkpointStore ?? new MemoryCheckpointStore();
    this.#hasOwnParameterStore = valid.parameterStore !== undefined;
    this.#parameterStore = valid.parameterStore ?? ParameterStore.global;
    this.#registry = new ChildRegistry(this.#children, this.#log);
    this.registry = this.#registry;
    this.#defaultCheckpoint = valid.checkpointStore === undefined ? 'manual' : 'on-change';
    this.#recoverAfterMs = valid.recoverAfterMs;
    this.#host = this.#createHost();
    Object.defineProperty(this, SUPERVISOR_BRAND, { value: true });
  }

  get status(): SupervisorStatus {
    return this.#status;
  }

  /** The store `@Parameter({ shared })` members of this supervisor's children bind to. */
  get parameterStore(): ParameterStore {
    return this.#parameterStore;
  }

  /**
   * Validates `spec`, starts the child after the children it depends on (resuming from its newest
   * checkpoint) and returns its ref.
   * @throws {ChildSpecError} CHILD_SPEC_INVALID; {ChildExistsError} CHILD_EXISTS; {ModuleCrashedError} MODULE_CRASHED when `start` throws.
   */
  startChild<M extends ChildInstance>(spec: ChildSpec<M>): Promise<ModuleRefOf<M>> {
    return this.#serialized(async (): Promise<ModuleRef> => {
      this.#assertAccepting();
      const resolved = resolveChildSpec(spec, { checkpoint: this.#defaultCheckpoint });
      if (this.#children.has(resolved.id)) {
        throw new ChildExistsError(
          describeProblem(
            `A child with id "${resolved.id}" is already supervised.`,
            describeValue(resolved.id),
            'Pick another id, or deleteChild the old one first.',
          ),
          {
            details: { id: resolved.id },
          },
        );
      }
      assertChildReferences(resolved, (id) => this.#children.get(id)?.spec);
      const child = new Child(resolved, this.#host);
      const instance = await startInstance(resolved, this.#host);
      if (this.#status !== 'running') {
        await disposeUnused(instance);
        this.#assertAccepting();
      }
      this.#children.set(resolved.id, child);
      child.activate(instance, { isRestart: false });
      this.#registry.emit({ type: 'started', id: child.id, version: child.version });
      return child.ref;
    }) as Promise<ModuleRefOf<M>>;
  }

  /**
   * Stops a child normally; it is not restarted whatever its policy (a `temporary` child is also removed).
   * @throws {ChildNotFoundError} CHILD_NOT_FOUND.
   */
  terminateChild(id: string): Promise<void> {
    return this.#serialized(async () => {
      const child = this.#childOf(id);
      if (child.status === 'stopped') return;
      const error = new ChildStoppedError(describeProblem(`Child "${id}" was terminated.`, undefined, 'Call supervisor.restartChild(id) to start it again.'), {
        details: { id, status: 'stopped' },
      });
      await this.#terminate(child, error, 'terminated');
    });
  }

  /**
   * Starts a terminated child again (from its newest checkpoint).
   * @throws {ChildNotFoundError} CHILD_NOT_FOUND; {ChildExistsError} CHILD_EXISTS when it is not stopped; {ModuleCrashedError} MODULE_CRASHED when `start` throws.
   */
  restartChild(id: string): Promise<ModuleRef> {
    return this.#serialized(async () => {
      this.#assertAccepting();
      const child = this.#childOf(id);
      if (child.status !== 'stopped') throw this.#notStopped(child, 'restartChild');
      child.activate(await startInstance(child.spec, this.#host), { isRestart: false });
      this.#registry.emit({ type: 'started', id: child.id, version: child.version });
      return child.ref;
    });
  }

  /**
   * Removes a stopped child's spec (its checkpoints stay in the store).
   * @throws {ChildNotFoundError} CHILD_NOT_FOUND; {ChildExistsError} CHILD_EXISTS when it is not stopped; {ChildSpecError} CHILD_SPEC_INVALID while other children depend on it.
   */
  deleteChild(id: string): Promise<void> {
    return this.#serialized(async () => {
      const child = this.#childOf(id);
      if (child.status !== 'stopped') throw this.#notStopped(child, 'deleteChild');
      const dependents = [...this.#children.values()].filter((other) => other.spec.dependsOn.includes(id)).map((other) => other.id);
      if (dependents.length > 0) {
        throw new ChildSpecError(
          describeProblem(`Child "${id}" cannot be deleted: other children depend on it.`, dependents.join(', '), 'Delete or re-create the dependents first.'),
          {
            details: { id, field: 'dependsOn', dependents },
          },
        );
      }
      this.#children.delete(id);
    });
  }

  /**
   * Replaces a running child with a new instance (and version) while calls keep arriving: each call
   * runs exactly once, on the old instance or the new one.
   * @throws {ChildNotFoundError} CHILD_NOT_FOUND; {HotSwapError} HOT_SWAP_FAILED when `start`, `migrate` or `loadState` throws (the old instance keeps serving).
   */
  async hotSwap(id: string, options: HotSwapOptions): Promise<void> {
    return performHotSwap(this.#childOf(id), options, {
      parameterStore: () => this.#parameterStore,
      serialized: (task) => this.#serialized(task),
      refusal: () => this.#refusal(),
      emit: (event) => this.#registry.emit(event),
    });
  }

  /**
   * Stops every child in reverse start order. With `drain`, accepted calls finish first (each
   * child waits at most its `shutdownMs`, or the `shutdownMs` given here); calls still running when
   * the wait ends have their `signal` aborted. Calls arriving after `stop` reject with `SupervisorStoppedError`.
   * @throws {ConfigurationError} CONFIGURATION_INVALID for bad options.
   */
  stop(options?: StopOptions): Promise<void> {
    let valid: StopOptions;
    try {
      valid = validateStopOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#stopping ??= this.#stopAll(valid.drain === true, valid.shutdownMs);
    return this.#stopping;
  }

  /**
   * Brings an escalated supervisor back: restarts the children its escalation stopped, in start
   * order and from their checkpoints, with the intensity window reset (restart counts are kept).
   * Calls arriving meanwhile wait for it. Emits `recovered` (id: this supervisor's name). Does
   * nothing while running.
   * @throws {SupervisorStoppedError} SUPERVISOR_STOPPED when the supervisor is stopping or stopped.
   * @throws {SupervisorEscalationError} SUPERVISOR_ESCALATION when the restarts escalate again.
   */
  recover(): Promise<void> {
    if (this.#status === 'running') return this.#recovery ?? Promise.resolve();
    if (this.#status !== 'escalated') return Promise.reject(this.#stoppedError());
    if (this.#recovery === undefined) {
      const recovery = this.#serialized(() => this.#recoverAll());
      this.#recovery = recovery;
      const clear = (): void => {
        if (this.#recovery === recovery) this.#recovery = undefined;
      };
      recovery.then(clear, clear);
    }
    return this.#recovery;
  }

  /** Internal: a parent supervisor hands its parameter store to a nested one that has none of its own. */
  [ADOPT_PARAMETER_STORE](store: ParameterStore): void {
    if (this.#hasOwnParameterStore || store === this.#parameterStore) return;
    this.#parameterStore = store;
    for (const child of this.#children.values()) {
      if (child.status !== 'running') continue;
      const nested = child.nestedSupervisor();
      if (nested !== undefined) nested[ADOPT_PARAMETER_STORE](store);
      else bindSharedParameters(child.liveModule(), store);
    }
  }

  async #stopAll(drain: boolean, shutdownMs: number | undefined): Promise<void> {
    this.#cancelAutomaticRecovery();
    if (this.#status === 'running') this.#status = 'stopping';
    if (drain) await Promise.all([...this.#children.values()].map((child) => child.drain(shutdownMs)));
    await this.#serialized(async () => {
      this.#cancelAutomaticRecovery();
      const error = new SupervisorStoppedError(
        describeProblem(`Supervisor "${this.name}" stopped.`, undefined, 'Start a new supervisor to serve more calls.'),
        { details: { supervisor: this.name } },
      );
      for (const child of [...this.#children.values()].reverse()) {
        // After a drain each child has had its shutdownMs already.
        if (child.status !== 'stopped') await this.#terminate(child, error, 'shutdown', drain ? 0 : shutdownMs);
      }
    });
    await Promise.all([...this.#background]);
    this.#status = 'stopped';
  }

  #createHost(): ChildHost {
    // Read on use: a nested supervisor takes its parent's store after it was constructed.
    const readParameterStore = (): ParameterStore => this.#parameterStore;
    return {
      clock: this.#clock,
      token: this.#token,
      log: this.#log,
      checkpointStore: this.#checkpointStore,
      get parameterStore() {
        return readParameterStore();
      },
      refusal: () => this.#refusal(),
      recovery: () => this.#recovery,
      reportExit: (child, generation, reason, error) => this.#onExit(child, generation, reason, error),
      lookup: (id) => this.#registry.lookup(id),
      emitCorrupted: (event) => this.#registry.emit(event),
    };
  }

  /** Runs supervisor operations one at a time, in call order, as OTP's supervisor process handles its messages. */
  #serialized<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#work.then(task);
    this.#work = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Keeps a background job owned: stop() waits for it, and its failure is logged. */
  #track(job: Promise<unknown>): void {
    const owned = job.catch((error: unknown) => this.#log.error({ err: error }, 'supervisor job failed'));
    this.#background.add(owned);
    void owned.finally(() => this.#background.delete(owned));
  }

  #refusal(): DspexError | undefined {
    switch (this.#status) {
      case 'running':
        return undefined;
      case 'escalated':
        return this.#escalation;
      case 'stopping':
        // While draining, children still call each other; only outside calls are refused.
        if (isInSupervision(this.#token)) return undefined;
        return new SupervisorStoppedError(
          describeProblem(`Supervisor "${this.name}" is stopping.`, undefined, 'Send calls before stop(), or to a new supervisor.'),
          { details: { supervisor: this.name } },
        );
      default:
        return new SupervisorStoppedError(describeProblem(`Supervisor "${this.name}" is stopped.`, undefined, 'Start a new supervisor to serve more calls.'), {
          details: { supervisor: this.name },
        });
    }
  }

  #stoppedError(): SupervisorStoppedError {
    return new SupervisorStoppedError(describeProblem(`Supervisor "${this.name}" is ${this.#status}.`, undefined, 'Start a new supervisor.'), {
      details: { supervisor: this.name },
    });
  }

  #assertAccepting(): void {
    if (this.#status === 'running') return;
    throw this.#escalation ?? this.#stoppedError();
  }

  #childOf(id: string): Child {
    const child = typeof id === 'string' ? this.#children.get(id) : undefined;
    if (child === undefined) {
      throw new ChildNotFoundError(
        describeProblem(`No child with id "${String(id)}".`, describeValue(id), `Use one of: ${[...this.#children.keys()].join(', ') || '(no children)'}.`),
        { details: { id } },
      );
    }
    return child;
  }

  #notStopped(child: Child, operation: string): ChildExistsError {
    return notStopped(operation, child.id, child.status);
  }

  /**
   * Called synchronously when an instance exits; stale reports (an instance already replaced) are
   * ignored. The decision (restart, stop, or escalate) is taken here, so by the time the failed
   * call's caller sees its error, `status` and the registry already reflect it; the slow part
   * (starting instances, waiting for calls) runs serialized in the background.
   */
  #onExit(child: Child, generation: number, reason: 'normal' | 'crashed', error: DspexError): void {
    if (generation !== child.generation || child.status !== 'running' || this.#children.get(child.id) !== child) return;
    if (reason === 'crashed') {
      child.lastCrash = error;
      if (error instanceof ModuleCrashedError) this.#registry.emit({ type: 'crashed', id: child.id, version: child.version, error });
    }
    const level = reason === 'crashed' ? 'warn' : 'info';
    if (this.#status === 'stopped' || this.#status === 'escalated' || !shouldRestart(child.spec.restart, reason)) {
      logExit(this.#log, level, { child: child.id, version: child.version, reason }, error, 'child exited; not restarted');
      const stopped = new ChildStoppedError(
        describeProblem(
          `Child "${child.id}" exited and is not restarted (restart: ${child.spec.restart}).`,
          reason,
          'Call restartChild(id), or use restart: "permanent".',
        ),
        {
          cause: error,
          details: { id: child.id, status: 'stopped' },
        },
      );
      // A temporary child leaves at once (OTP deletes its spec); its calls still settle in the background.
      if (child.spec.restart === 'temporary') this.#children.delete(child.id);
      this.#track(this.#terminate(child, stopped, 'exited'));
      return;
    }
    // No call may start on the exited instance; calls already running there finish. An escalated
    // nested supervisor is stopped for good (its parent starts a new one), so it cannot recover on its own.
    const old = child.discard();
    if (isSupervisor(old)) this.#track(this.#serialized(() => old.stop()));
    if (this.#intensity.recordRestart()) {
      this.#beginEscalation(child, error);
      this.#track(this.#serialized(() => this.#finishEscalation(child)));
      return;
    }
    logExit(this.#log, level, { child: child.id, version: child.version, reason }, error, 'child exited; restarting');
    this.#track(this.#serialized(() => this.#restartAfterExit(child)));
  }

  async #restartAfterExit(child: Child): Promise<void> {
    // The child may have been replaced meanwhile (a hot swap finished, a sibling's restart covered it, or it was terminated).
    if (this.#status === 'stopped' || this.#status === 'escalated' || child.status !== 'restarting' || this.#children.get(child.id) !== child) return;
    const strategyView = [...this.#children.values()].map((member) => ({
      id: member.id,
      dependsOn: member.spec.dependsOn,
      isActive: member.status !== 'stopped',
    }));
    const group = childrenToRestart(this.strategy, child.id, strategyView).map((id) => this.#children.get(id)!);
    // Siblings stop in reverse start order; temporary ones are not restarted (OTP) and leave for good.
    for (const member of [...group].reverse()) {
      if (member === child || member.status !== 'running') continue;
      if (member.spec.restart === 'temporary') {
        const error = new ChildStoppedError(
          describeProblem(`Temporary child "${member.id}" was stopped by a sibling's restart.`, undefined, 'Start it again with startChild.'),
          { details: { id: member.id } },
        );
        await this.#terminate(member, error, 'shutdown');
        continue;
      }
      const old = member.discard();
      if (isSupervisor(old)) await old.stop();
    }
    for (const member of group) {
      if (this.#children.get(member.id) !== member || member.status !== 'restarting') continue;
      if (!(await this.#startUntilLive(member))) return;
    }
  }

  /**
   * Starts a fresh instance, retrying failed starts (each counts toward the intensity). False when the
   * supervisor escalated or stopped. A recovery's start is not a restart: it emits `started` and keeps the count.
   */
  async #startUntilLive(child: Child, isRecovery = false): Promise<boolean> {
    for (;;) {
      try {
        const instance = await startInstance(child.spec, this.#host);
        if (this.#status === 'stopped' || this.#status === 'escalated' || child.status !== 'restarting') {
          await disposeUnused(instance);
          return false;
        }
        child.activate(instance, { isRestart: !isRecovery });
        if (isRecovery) this.#registry.emit({ type: 'started', id: child.id, version: child.version });
        else this.#registry.emit({ type: 'restarted', id: child.id, version: child.version, restarts: child.restarts });
        return true;
      } catch (error) {
        this.#log.warn({ child: child.id, ...errorSummary(error) }, 'restart failed');
        this.#log.debug({ child: child.id, err: error }, 'restart failure details');
        child.lastCrash = DspexError.is(error) ? error : child.lastCrash;
        if (this.#intensity.recordRestart()) {
          // Already inside a serialized task: finish the escalation here rather than queue behind ourselves.
          this.#beginEscalation(child, child.lastCrash ?? (error as DspexError));
          await this.#finishEscalation(child);
          return false;
        }
      }
    }
  }

  /** Past the restart intensity: from now on calls get `SupervisorEscalationError` (or their fallback). */
  #beginEscalation(child: Child, cause: DspexError): void {
    this.#escalation = new SupervisorEscalationError(
      describeProblem(
        `Supervisor "${this.name}" gave up: more than ${this.#intensity.maxRestarts} restarts within ${this.#intensity.withinMs} ms.`,
        `the last exit was child "${child.id}"`,
        'Fix the failing child (error.cause has its last crash), or raise maxRestarts/withinMs.',
      ),
      { cause, details: { supervisor: this.name, id: child.id, maxRestarts: this.#intensity.maxRestarts, withinMs: this.#intensity.withinMs } },
    );
    this.#status = 'escalated';
    this.#log.error({ child: child.id, ...errorSummary(cause), recoverAfterMs: this.#recoverAfterMs }, 'restart intensity exceeded; escalating');
    this.#log.debug({ child: child.id, err: this.#escalation }, 'escalation details');
  }

  /** Stops every child in reverse start order, then reports `escalated` (a parent counts it as a crash of this supervisor). */
  async #finishEscalation(child: Child): Promise<void> {
    const error = this.#escalation!;
    for (const member of [...this.#children.values()].reverse()) {
      if (member.status === 'stopped') continue;
      this.#stoppedByEscalation.add(member);
      await this.#terminate(member, error, 'shutdown');
    }
    this.#registry.emit({ type: 'escalated', id: child.id, version: child.version, error });
    if (this.#recoverAfterMs !== undefined && this.#status === 'escalated') {
      this.#cancelAutomaticRecovery();
      this.#recoverTimer = this.#clock.setTimeout(() => {
        this.#recoverTimer = undefined;
        this.recover().catch((recoveryError: unknown) => this.#log.warn({ ...errorSummary(recoveryError) }, 'automatic recovery failed'));
      }, this.#recoverAfterMs);
      // An escalated supervisor alone must not keep the process alive.
      unrefTimer(this.#recoverTimer);
    }
  }

  #cancelAutomaticRecovery(): void {
    if (this.#recoverTimer !== undefined) this.#clock.clearTimeout(this.#recoverTimer);
    this.#recoverTimer = undefined;
  }

  /** Restarts what the escalation stopped (serialized, so the escalation's own stopping is done). */
  async #recoverAll(): Promise<void> {
    if (this.#status !== 'escalated') {
      if (this.#status === 'running') return;
      throw this.#stoppedError();
    }
    this.#cancelAutomaticRecovery();
    this.#intensity.reset();
    this.#escalation = undefined;
    this.#status = 'running';
    const members = [...this.#children.values()].filter((member) => this.#stoppedByEscalation.has(member) && member.status === 'stopped');
    this.#stoppedByEscalation.clear();
    for (const member of members) member.prepareRestart();
    this.#log.info({ children: members.map((member) => member.id) }, 'recovering from escalation');
    for (const member of members) {
      if (!(await this.#startUntilLive(member, true))) throw this.#escalation ?? this.#stoppedError();
    }
    this.#registry.emit({ type: 'recovered', id: this.name });
  }

  async #terminate(child: Child, error: DspexError, reason: StopReason, graceMs?: number): Promise<void> {
    const old = await child.terminate(error, graceMs);
    if (isSupervisor(old)) await old.stop({ drain: graceMs === 0 });
    if (child.spec.restart === 'temporary' && this.#children.get(child.id) === child) this.#children.delete(child.id);
    this.#registry.emit({ type: 'stopped', id: child.id, version: child.version, reason });
  }
}
