import type { EncodedError } from './cluster-error-codec';

/** What a caller puts in a call's job. */
export interface CallJobData {
  readonly inputs: Record<string, unknown>;
  /** The caller's `timeoutMs`, counted from the job's `timestamp` (queue time included). */
  readonly timeoutMs?: number;
}

/**
 * What a worker returns for a call. Errors travel as results, not as BullMQ failures, so their
 * class, code and details reach the caller intact and BullMQ never retries a call on its own.
 */
export type CallResult =
  | { readonly kind: 'ok'; readonly fields: Record<string, unknown>; readonly completions?: Record<string, unknown>[] }
  | { readonly kind: 'error'; readonly error: EncodedError }
  /** The caller cancelled the call while it ran. */
  | { readonly kind: 'cancelled' }
  /** The call's `timeoutMs` had run out before a worker took it. */
  | { readonly kind: 'expired' };

/** Messages on the cluster's control channel. */
export type ControlMessage =
  | { readonly type: 'cancel'; readonly queue: string; readonly jobId: string; readonly reason?: string }
  | { readonly type: 'retire'; readonly id: string; readonly version: string };

/** What a serving worker writes to its child's worker registry (a Redis hash, one field per worker). */
export interface WorkerEntry {
  readonly version: string;
  readonly pid: number;
  readonly host: string;
  readonly heartbeatAt: number;
}

/** dspex priorities (higher first, 0 by default) onto BullMQ's (1 first … 2 097 151 last). */
export const PRIORITY_RANGE = 1_048_575;

export function bullPriorityOf(priority: number | undefined): number {
  const clamped = Math.max(-PRIORITY_RANGE, Math.min(PRIORITY_RANGE, Math.round(priority ?? 0)));
  return PRIORITY_RANGE + 1 - clamped;
}
