import type { CheckpointCorruptError, DspexError, ModuleCrashedError, SupervisorEscalationError } from '../errors';

/** Why a child stopped: `terminated` by `terminateChild`, `exited` without restart under its policy, `shutdown` by `stop()` or escalation. */
export type StopReason = 'terminated' | 'exited' | 'shutdown';

/** A child started (by `startChild` or `restartChild`). */
export interface StartedEvent {
  readonly type: 'started';
  readonly id: string;
  readonly version: string;
}

/** A child's instance crashed: an error escaped `forward`, or a call passed its timeout. */
export interface CrashedEvent {
  readonly type: 'crashed';
  readonly id: string;
  readonly version: string;
  readonly error: ModuleCrashedError;
}

/** A child was restarted by its supervisor (after its own exit, or a sibling's under the strategy). */
export interface RestartedEvent {
  readonly type: 'restarted';
  readonly id: string;
  readonly version: string;
  /** Restarts of this child so far. */
  readonly restarts: number;
}

/** A child was hot-swapped to a new version. */
export interface SwappedEvent {
  readonly type: 'swapped';
  readonly id: string;
  readonly version: string;
  readonly fromVersion: string;
}

/** A child stopped and will not restart by itself. */
export interface StoppedEvent {
  readonly type: 'stopped';
  readonly id: string;
  readonly version: string;
  readonly reason: StopReason;
}

/** The supervisor passed its restart intensity; `id` and `version` name the child whose exit tipped it. */
export interface EscalatedEvent {
  readonly type: 'escalated';
  readonly id: string;
  readonly version: string;
  readonly error: SupervisorEscalationError;
}

/** The supervisor came back from an escalation (`recover()`, or `recoverAfterMs`); `id` is the supervisor's name. */
export interface RecoveredEvent {
  readonly type: 'recovered';
  readonly id: string;
  /** A supervisor has no version; the key exists so listeners of every event can read `event.version`. */
  readonly version?: undefined;
}

/** A stored checkpoint of the child could not be used (corrupt, truncated, or rejected by `loadState`). */
export interface CorruptedEvent {
  readonly type: 'corrupted';
  readonly id: string;
  readonly version: string;
  readonly error: CheckpointCorruptError | DspexError;
}

/** Every registry event, by name. */
export interface RegistryEventMap {
  started: StartedEvent;
  crashed: CrashedEvent;
  restarted: RestartedEvent;
  swapped: SwappedEvent;
  stopped: StoppedEvent;
  escalated: EscalatedEvent;
  recovered: RecoveredEvent;
  corrupted: CorruptedEvent;
}

/** The name of a registry event. */
export type RegistryEventType = keyof RegistryEventMap;

/** Any registry event. */
export type RegistryEvent = RegistryEventMap[RegistryEventType];

/** A listener of one event type. */
export type RegistryListener<Type extends RegistryEventType> = (event: RegistryEventMap[Type]) => void;

/** Every event name, for validation. */
export const REGISTRY_EVENT_TYPES: readonly RegistryEventType[] = [
  'started',
  'crashed',
  'restarted',
  'swapped',
  'stopped',
  'escalated',
  'recovered',
  'corrupted',
];
