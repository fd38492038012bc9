/** An opaque handle returned by `Clock.setTimeout`. */
export type ClockTimer = unknown;

/**
 * Where the runtime reads time and schedules timers: restart-intensity windows, call timeouts,
 * shutdown deadlines and periodic checkpoints. Inject one (or use jest fake timers with the
 * default) so tests never wait for real time.
 */
export interface Clock {
  /** Milliseconds since an arbitrary, fixed origin (the default uses `Date.now()`). */
  now(): number;
  /** Calls `callback` once after `delayMs`; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, delayMs: number): ClockTimer;
  /** Cancels a timer that has not fired yet; a fired or unknown handle is ignored. */
  clearTimeout(timer: ClockTimer): void;
}

/**
 * The default clock. It looks the globals up on every call (rather than capturing them when the
 * module loads) so jest's fake timers, installed later, drive it.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/** Lets a background timer (periodic checkpoints) not keep the process alive, when the clock's handles support it. */
export function unrefTimer(timer: ClockTimer): void {
  const handle = timer as { unref?: () => void } | null;
  if (handle !== null && typeof handle === 'object' && typeof handle.unref === 'function') handle.unref();
}

/** True when `value` has the three methods of a `Clock`. */
export function isClock(value: unknown): value is Clock {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.now === 'function' && typeof candidate.setTimeout === 'function' && typeof candidate.clearTimeout === 'function';
}
