import type { Clock } from './clock';

/**
 * OTP's restart intensity: more than `maxRestarts` restarts within `withinMs` means the failure is
 * not transient, and the supervisor gives up (escalates). Each restart and each failed restart
 * attempt is recorded; exits that are not restarted are not.
 */
export class RestartIntensity {
  readonly maxRestarts: number;
  readonly withinMs: number;
  readonly #clock: Clock;
  readonly #timestamps: number[] = [];

  constructor(maxRestarts: number, withinMs: number, clock: Clock) {
    this.maxRestarts = maxRestarts;
    this.withinMs = withinMs;
    this.#clock = clock;
  }

  /** Records one restart now; returns true when the intensity is exceeded (the restart must not happen). */
  recordRestart(): boolean {
    const now = this.#clock.now();
    this.#timestamps.push(now);
    // Only restarts strictly inside the window count, as OTP's `inPeriod` does.
    while (now - this.#timestamps[0] >= this.withinMs) this.#timestamps.shift();
    return this.#timestamps.length > this.maxRestarts;
  }

  /** Forgets every recorded restart (a recovered supervisor starts with a fresh window). */
  reset(): void {
    this.#timestamps.length = 0;
  }

  /** Restarts currently inside the window. */
  get recentRestarts(): number {
    const now = this.#clock.now();
    return this.#timestamps.filter((timestamp) => now - timestamp < this.withinMs).length;
  }
}
