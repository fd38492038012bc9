import type { DspexError } from '../errors';
import type { Prediction } from '../primitives/prediction';

/** Where a call is: waiting in the queue, running on an instance, or settled. */
export type CallPhase = 'queued' | 'running' | 'settled';

/** One accepted call, from arrival to settlement; the child settles it exactly once. */
export class PendingCall {
  readonly inputs: Record<string, unknown>;
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number | undefined;
  readonly startedAt: number;
  readonly promise: Promise<Prediction>;
  phase: CallPhase = 'queued';
  /** Ends the attempt now running as cancelled with `reason` (shutdown past `shutdownMs`). */
  interrupt: ((reason: DspexError) => void) | undefined;
  #resolve!: (prediction: Prediction) => void;
  #reject!: (error: unknown) => void;

  constructor(inputs: Record<string, unknown>, signal: AbortSignal | undefined, timeoutMs: number | undefined, startedAt: number) {
    this.inputs = inputs;
    this.signal = signal;
    this.timeoutMs = timeoutMs;
    this.startedAt = startedAt;
    this.promise = new Promise<Prediction>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  get isSettled(): boolean {
    return this.phase === 'settled';
  }

  resolve(prediction: Prediction): void {
    this.phase = 'settled';
    this.#resolve(prediction);
  }

  reject(error: unknown): void {
    this.phase = 'settled';
    this.#reject(error);
  }
}
