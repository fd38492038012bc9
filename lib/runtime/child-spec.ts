import { ChildSpecError, describeProblem, describeValue } from '../errors';
import type { Prediction } from '../primitives/prediction';
import { isPlainObject } from '../util/is-plain-object';
import type { ModuleState, SupervisableModule } from './supervisable-module';
import { RESTART_POLICIES, type RestartPolicy } from './restart-policy';
import { findDependencyCycle } from './restart-strategy';
import type { Supervisor } from './supervisor';

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
export interface ChildSpec {
  /** Unique among the supervisor's children; also the checkpoint key. */
  readonly id: string;
  /** Creates a fresh instance: a `Module`, or a `Supervisor` for a nested tree. Called again on every restart. */
  readonly start: () => ChildInstance | Promise<ChildInstance>;
  /** When the child is restarted after it exits (default `'permanent'`). */
  readonly restart?: RestartPolicy;
  /** Calls running at once on the child (default 16). */
  readonly concurrency?: number;
  /** A call running longer is aborted and counts as a crash. */
  readonly timeoutMs?: number;
  /** Limits how many calls start per interval. */
  readonly rateLimit?: RateLimit;
  /** Times a crashed call is re-run on the restarted instance (default 0). */
  readonly retries?: number;
  /** Serves calls that would fail with `ModuleCrashedError` or find the child unavailable. */
  readonly fallback?: Fallback;
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
  readonly dependsOn: readonly string[];
  version: string;
  readonly checkpoint: CheckpointPolicy;
  readonly shutdownMs: number;
  /** Set by `hotSwap`: maps checkpoints of an older version when a restart restores one. */
  migrate: ((state: ModuleState, fromVersion: string) => ModuleState | Promise<ModuleState>) | undefined;
}

const SPEC_KEYS = new Set(['id', 'start', 'restart', 'concurrency', 'timeoutMs', 'rateLimit', 'retries', 'fallback', 'dependsOn', 'version', 'checkpoint', 'shutdownMs']);

function invalid(id: unknown, field: string, value: unknown, fix: string): ChildSpecError {
  const name = typeof id === 'string' ? `"${id}"` : '(no id)';
  return new ChildSpecError(describeProblem(`Child spec ${name} has an invalid "${field}".`, describeValue(value), fix), { details: { id, field } });
}

const isPositiveFinite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0;

/**
 * Checks every field of `spec` and fills in defaults. Existence of `dependsOn` and fallback
 * children, duplicates and cycles are checked by the supervisor, which knows its children.
 * @throws {ChildSpecError} CHILD_SPEC_INVALID naming the field.
 */
export function resolveChildSpec(spec: unknown, defaults: { checkpoint: CheckpointPolicy }): ResolvedChildSpec {
  if (!isPlainObject(spec)) throw invalid(undefined, 'spec', spec, 'Pass an object like { id: "qa", start: () => new QA() }.');
  const { id } = spec;
  if (typeof id !== 'string' || id.length === 0) throw invalid(id, 'id', id, 'Give the child a non-empty string id.');
  for (const key of Object.keys(spec)) {
    if (!SPEC_KEYS.has(key)) throw invalid(id, key, spec[key], `Remove it; known fields are ${[...SPEC_KEYS].join(', ')}.`);
  }
  if (typeof spec.start !== 'function') throw invalid(id, 'start', spec.start, 'Pass a function that returns a new Module (or Supervisor).');
  const restart = spec.restart ?? 'permanent';
  if (!RESTART_POLICIES.includes(restart as RestartPolicy)) throw invalid(id, 'restart', restart, "Use 'permanent', 'transient' or 'temporary'.");
  const concurrency = spec.concurrency ?? 16;
  if (!(concurrency === Number.POSITIVE_INFINITY || (Number.isInteger(concurrency) && (concurrency as number) >= 1))) {
    throw invalid(id, 'concurrency', concurrency, 'Use a whole number ≥ 1 (or Infinity).');
  }
  if (spec.timeoutMs !== undefined && !isPositiveFinite(spec.timeoutMs)) throw invalid(id, 'timeoutMs', spec.timeoutMs, 'Use a finite number of milliseconds > 0, or leave it out.');
  const retries = spec.retries ?? 0;
  if (!(Number.isInteger(retries) && (retries as number) >= 0)) throw invalid(id, 'retries', retries, 'Use a whole number ≥ 0.');
  const version = spec.version ?? '1';
  if (typeof version !== 'string' || version.length === 0) throw invalid(id, 'version', version, "Use a non-empty string such as '2'.");
  const shutdownMs = spec.shutdownMs ?? 5000;
  if (!(typeof shutdownMs === 'number' && shutdownMs >= 0 && !Number.isNaN(shutdownMs))) throw invalid(id, 'shutdownMs', shutdownMs, 'Use a number of milliseconds ≥ 0 (or Infinity).');
  return {
    id,
    start: spec.start as ResolvedChildSpec['start'],
    restart: restart as RestartPolicy,
    concurrency: concurrency as number,
    timeoutMs: spec.timeoutMs as number | undefined,
    rateLimit: resolveRateLimit(id, spec.rateLimit),
    retries: retries as number,
    fallback: resolveFallback(id, spec.fallback),
    dependsOn: resolveDependsOn(id, spec.dependsOn),
    version,
    checkpoint: resolveCheckpoint(id, spec.checkpoint ?? defaults.checkpoint),
    shutdownMs,
    migrate: undefined,
  };
}

function resolveRateLimit(id: string, value: unknown): RateLimit | undefined {
  if (value === undefined) return undefined;
  const fix = 'Use { intervalMs: <ms > 0>, cap: <whole number ≥ 1> }.';
  if (!isPlainObject(value)) throw invalid(id, 'rateLimit', value, fix);
  const keys = Object.keys(value);
  if (keys.some((key) => key !== 'intervalMs' && key !== 'cap')) throw invalid(id, 'rateLimit', value, fix);
  if (!isPositiveFinite(value.intervalMs) || !(Number.isInteger(value.cap) && (value.cap as number) >= 1)) throw invalid(id, 'rateLimit', value, fix);
  return { intervalMs: value.intervalMs, cap: value.cap as number };
}

function resolveFallback(id: string, value: unknown): Fallback | undefined {
  if (value === undefined || typeof value === 'function') return value as Fallback | undefined;
  if (isPlainObject(value) && Object.keys(value).length === 1 && typeof value.child === 'string' && value.child.length > 0) {
    if (value.child === id) throw invalid(id, 'fallback', value, 'A child cannot be its own fallback; name another child.');
    return { child: value.child };
  }
  throw invalid(id, 'fallback', value, "Pass (inputs, error) => prediction, or { child: 'other-id' }.");
}

function resolveDependsOn(id: string, value: unknown): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string' || entry.length === 0)) {
    throw invalid(id, 'dependsOn', value, "Pass an array of child ids, e.g. ['retriever'].");
  }
  if (new Set(value).size !== value.length) throw invalid(id, 'dependsOn', value, 'List each dependency once.');
  return Object.freeze([...(value as string[])]);
}

function resolveCheckpoint(id: string, value: unknown): CheckpointPolicy {
  if (value === 'manual' || value === 'on-change') return value;
  if (isPlainObject(value) && Object.keys(value).length === 1 && isPositiveFinite(value.everyMs)) return { everyMs: value.everyMs };
  throw invalid(id, 'checkpoint', value, "Use 'manual', 'on-change' or { everyMs: <ms > 0> }.");
}

/**
 * Checks what only the supervisor can: `dependsOn` ids and a `{ child }` fallback name existing
 * children, and the dependencies form no cycle.
 * @throws {ChildSpecError} CHILD_SPEC_INVALID with `missing` or `cycle` in its details.
 */
export function assertChildReferences(spec: ResolvedChildSpec, existing: (id: string) => Pick<ResolvedChildSpec, 'dependsOn'> | undefined): void {
  const fail = (field: string, received: string, fix: string, details: Record<string, unknown>): never => {
    throw new ChildSpecError(describeProblem(`Child spec "${spec.id}" has an invalid "${field}".`, received, fix), { details: { id: spec.id, field, ...details } });
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
