import { ChildSpecError, describeProblem, describeValue } from '../errors';
import type { Prediction } from '../primitives/prediction';
import { isPlainObject } from '../util/is-plain-object';
import { isDuration, validateOptions, type OptionRules } from '../util/validate-options';
import type { CrashOn } from './crash-on';
import type { ModuleState, SupervisableModule } from './supervisable-module';
import { RESTART_POLICIES, type RestartPolicy } from './restart-policy';
import { findDependencyCycle } from './restart-strategy';
import type { Supervisor } from './supervisor';
import { isolationMismatch, threadStarter } from './thread-module';
import { startOptionRule, type ThreadStart } from './thread-start';

/** What a child spec's `start` may return: a module, or a `Supervisor` for a nested tree. */
export type ChildInstance = SupervisableModule | Supervisor;

/** Serves a call in place of a child that crashed, is down, restarting, or whose supervisor escalated. */
export type FallbackFunction = (inputs: Record<string, unknown>, error: Error) => Prediction | Promise<Prediction>;

/** A fallback: a function, or another child of the same supervisor that serves the call instead. */
export type Fallback = FallbackFunction | { readonly child: string };

/** How often a child's state is saved to the supervisor's checkpoint store. */
export type CheckpointPolicy = 'manual' | 'on-change' | { readonly everyMs: number };

/** At most `cap` calls start per `intervalMs` (p-queue's `intervalCap` per `interval`). */
export interface RateLimit {
  readonly intervalMs: number;
  readonly cap: number;
}

/**
 * How to start and supervise one child, as an OTP child spec.
 * @example
 * await supervisor.startChild({ id: 'qa', start: () => new QA(), restart: 'permanent', timeoutMs: 30_000, retries: 1 });
 */
export interface ChildSpec<M extends ChildInstance = ChildInstance> {
  /** Unique among the supervisor's children; also the checkpoint key. */
  readonly id: string;
  /**
   * Creates a fresh instance: a `Module`, or a `Supervisor` for a nested tree. Called again on every
   * restart. Its `forward` types the `ModuleRef`. With `isolation: 'thread'`, the module file and
   * exported class to build in the worker thread instead (`{ module, export, args? }`).
   */
  readonly start: (() => M | Promise<M>) | ThreadStart;
  /** When the child is restarted after it exits (default `'permanent'`). */
  readonly restart?: RestartPolicy;
  /** Calls running at once on the child (default 16). */
  readonly concurrency?: number;
  /** A call running longer is aborted and counts as a crash. */
  readonly timeoutMs?: number;
  /** Limits how many calls start per interval. */
  readonly rateLimit?: RateLimit;
  /**
   * Times a failed call is re-run (default 0): a crashed call on the restarted instance, a call
   * failure (see `crashOn`) on the same instance, except `INPUT_INVALID`.
   */
  readonly retries?: number;
  /** Serves calls that would fail with `ModuleCrashedError` or a call failure, or that find the child unavailable. */
  readonly fallback?: Fallback;
  /**
   * Which errors escaping `forward` crash the instance; the others are call failures that only fail
   * that call (default `'unexpected'`: LM, parse, output and input failures are call failures).
   * @default 'unexpected'
   */
  readonly crashOn?: CrashOn;
  /**
   * Calls that may wait in the child's queue (running ones not counted); a call beyond it rejects at
   * once with `ChildOverloadedError` (`CHILD_OVERLOADED`).
   * @default 10_000
   */
  readonly maxQueued?: number;
  /**
   * Where instances run: `'none'` (default) in this thread; `'thread'` each instance in its own
   * worker thread (then `start` is `{ module, export, args? }`), so a CPU-bound or hung `forward`
   * cannot block this thread, and a call passing `timeoutMs` terminates the thread.
   * @default 'none'
   */
  readonly isolation?: 'none' | 'thread';
  /** Children that must start before this one; when one restarts, this child restarts after it. */
  readonly dependsOn?: readonly string[];
  /** The version stored with checkpoints and passed to `hotSwap`'s `migrate` (default `'1'`). */
  readonly version?: string;
  /** When state is checkpointed (default `'on-change'` with a store given to the supervisor, else `'manual'`). */
  readonly checkpoint?: CheckpointPolicy;
  /** How long stopping waits for the child's calls before aborting them (default 5000). */
  readonly shutdownMs?: number;
}

/** A validated spec with every default filled in. */
export interface ResolvedChildSpec {
  readonly id: string;
  start: () => ChildInstance | Promise<ChildInstance>;
  readonly restart: RestartPolicy;
  readonly concurrency: number;
  readonly timeoutMs: number | undefined;
  readonly rateLimit: RateLimit | undefined;
  readonly retries: number;
  readonly fallback: Fallback | undefined;
  readonly crashOn: CrashOn;
  readonly maxQueued: number;
  readonly isolation: 'none' | 'thread';
  readonly dependsOn: readonly string[];
  version: string;
  readonly checkpoint: CheckpointPolicy;
  readonly shutdownMs: number;
  /** Set by `hotSwap`: maps checkpoints of an older version when a restart restores one. */
  migrate: ((state: ModuleState, fromVersion: string) => ModuleState | Promise<ModuleState>) | undefined;
}

/** The default bound on calls waiting in a child's queue. */
export const DEFAULT_MAX_QUEUED = 10_000;

const isNonEmptyStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((entry) => typeof entry === 'string' && entry.length > 0);

/**
 * One rule per child-spec key (a closed set: an unknown key is rejected with a "did you mean").
 * Adding a key is one line here, plus its field in `ChildSpec` and its default in `resolveChildSpec`.
 */
const SPEC_RULES: OptionRules = {
  id: { kind: 'string', required: true },
  start: startOptionRule("a function () => new MyModule() (or, with isolation: 'thread', { module, export, args? })"),
  restart: { kind: 'oneOf', values: RESTART_POLICIES },
  concurrency: { kind: 'integer', min: 1, allowInfinity: true },
  timeoutMs: { kind: 'duration', allowInfinity: true },
  rateLimit: { kind: 'custom', check: (value) => (isRateLimit(value) ? undefined : 'an object { intervalMs: <ms from 1>, cap: <whole number ≥ 1> }') },
  retries: { kind: 'integer', min: 0 },
  fallback: { kind: 'custom', check: (value) => (isFallback(value) ? undefined : "a function (inputs, error) => prediction, or { child: 'other-id' }") },
  crashOn: {
    kind: 'custom',
    check: (value) =>
      value === 'unexpected' || value === 'any' || typeof value === 'function' ? undefined : "'unexpected', 'any', or a function (error) => boolean",
  },
  maxQueued: { kind: 'integer', min: 0, allowInfinity: true },
  isolation: {
    kind: 'custom',
    check: (value) => (value === 'none' || value === 'thread' ? undefined : "'none' or 'thread'"),
  },
  dependsOn: {
    kind: 'custom',
    check: (value) => (isNonEmptyStringArray(value) && new Set(value).size === value.length ? undefined : "an array of distinct child ids, e.g. ['retriever']"),
  },
  version: { kind: 'string' },
  checkpoint: { kind: 'custom', check: (value) => (isCheckpointPolicy(value) ? undefined : "'manual', 'on-change' or { everyMs: <ms from 1> }") },
  shutdownMs: { kind: 'duration', allowZero: true, allowInfinity: true },
};

function isRateLimit(value: unknown): value is RateLimit {
  return (
    isPlainObject(value) &&
    Object.keys(value).every((key) => key === 'intervalMs' || key === 'cap') &&
    isDuration(value.intervalMs) &&
    Number.isInteger(value.cap) &&
    (value.cap as number) >= 1
  );
}

function isFallback(value: unknown): value is Fallback {
  return typeof value === 'function' || (isPlainObject(value) && Object.keys(value).length === 1 && typeof value.child === 'string' && value.child.length > 0);
}

function isCheckpointPolicy(value: unknown): value is CheckpointPolicy {
  return value === 'manual' || value === 'on-change' || (isPlainObject(value) && Object.keys(value).length === 1 && isDuration(value.everyMs));
}

/**
 * Checks every field of `spec` and fills in defaults. Existence of `dependsOn` and fallback
 * children, duplicates and cycles are checked by the supervisor, which knows its children.
 * @throws {ChildSpecError} CHILD_SPEC_INVALID naming the field (`details.field`).
 */
export function resolveChildSpec(spec: unknown, defaults: { checkpoint: CheckpointPolicy }): ResolvedChildSpec {
  const id = isPlainObject(spec) && typeof spec.id === 'string' ? spec.id : undefined;
  const owner = id === undefined ? 'Child spec' : `Child spec "${id}"`;
  const { known } = validateOptions(owner, spec, SPEC_RULES, {
    allowUndefined: false,
    error: (message, details) => new ChildSpecError(message, { details: { ...details, id, field: details.option ?? 'spec' } }),
  });
  const valid = known as Partial<ChildSpec> & Pick<ChildSpec, 'id' | 'start'>;
  const isThread = valid.isolation === 'thread';
  if (isThread !== (typeof valid.start !== 'function')) throw isolationMismatch(valid.id, 'start', isThread, valid.start);
  const fallback = valid.fallback;
  if (fallback !== undefined && typeof fallback !== 'function' && fallback.child === valid.id) {
    throw new ChildSpecError(
      describeProblem(
        `Child spec "${valid.id}" has an invalid "fallback".`,
        describeValue(fallback),
        'A child cannot be its own fallback; name another child.',
      ),
      {
        details: { id: valid.id, field: 'fallback' },
      },
    );
  }
  return {
    id: valid.id,
    start: typeof valid.start === 'function' ? valid.start : threadStarter(valid.id, valid.start),
    restart: valid.restart ?? 'permanent',
    concurrency: valid.concurrency ?? 16,
    timeoutMs: valid.timeoutMs === Number.POSITIVE_INFINITY ? undefined : valid.timeoutMs,
    rateLimit: valid.rateLimit === undefined ? undefined : { intervalMs: valid.rateLimit.intervalMs, cap: valid.rateLimit.cap },
    retries: valid.retries ?? 0,
    fallback: fallback === undefined || typeof fallback === 'function' ? fallback : { child: fallback.child },
    crashOn: valid.crashOn ?? 'unexpected',
    maxQueued: valid.maxQueued ?? DEFAULT_MAX_QUEUED,
    isolation: valid.isolation ?? 'none',
    dependsOn: Object.freeze([...(valid.dependsOn ?? [])]),
    version: valid.version ?? '1',
    checkpoint: valid.checkpoint ?? defaults.checkpoint,
    shutdownMs: valid.shutdownMs ?? 5000,
    migrate: undefined,
  };
}

/**
 * Checks what only the supervisor can: `dependsOn` ids and a `{ child }` fallback name existing
 * children, and the dependencies form no cycle.
 * @throws {ChildSpecError} CHILD_SPEC_INVALID with `missing` or `cycle` in its details.
 */
export function assertChildReferences(spec: ResolvedChildSpec, existing: (id: string) => Pick<ResolvedChildSpec, 'dependsOn'> | undefined): void {
  const fail = (field: string, received: string, fix: string, details: Record<string, unknown>): never => {
    throw new ChildSpecError(describeProblem(`Child spec "${spec.id}" has an invalid "${field}".`, received, fix), {
      details: { id: spec.id, field, ...details },
    });
  };
  const cycle = findDependencyCycle(spec.id, spec.dependsOn, (id) => existing(id)?.dependsOn);
  if (cycle !== undefined) fail('dependsOn', cycle.join(' → '), 'Remove the dependency that closes the cycle.', { cycle });
  const missing = spec.dependsOn.filter((id) => existing(id) === undefined);
  if (missing.length > 0) fail('dependsOn', missing.join(', '), 'Start the children it depends on first.', { missing });
  const fallback = spec.fallback;
  if (fallback !== undefined && typeof fallback !== 'function' && existing(fallback.child) === undefined) {
    fail('fallback', fallback.child, 'Start the fallback child first.', { missing: [fallback.child] });
  }
}
