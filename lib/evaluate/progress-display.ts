import { Presets, SingleBar } from 'cli-progress';

/** A progress bar for a long run (evaluation, bootstrapping, a search); silent unless shown on a terminal. */
export interface ProgressDisplay {
  /** False when nothing is drawn: callers can skip building status text. */
  readonly isVisible: boolean;
  /** Moves the bar to `completed` and shows `status` beside it (e.g. the running score). */
  update(completed: number, status: string): void;
  /** Draws the final state and releases the terminal; safe to call twice. */
  stop(): void;
}

/** Options of `createProgressDisplay`. */
export interface ProgressDisplayOptions {
  /** False shows nothing. */
  isEnabled: boolean;
  total: number;
  /** What is running, e.g. `Evaluate`. */
  label: string;
  /** Where the bar is drawn (default stderr, so stdout stays clean for results). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

const SILENT: ProgressDisplay = { isVisible: false, update: () => undefined, stop: () => undefined };

/**
 * A `cli-progress` bar on a terminal, or a display that does nothing when disabled or when the
 * stream is not a TTY (CI logs and pipes get no control characters).
 */
export function createProgressDisplay(options: ProgressDisplayOptions): ProgressDisplay {
  const stream = options.stream ?? process.stderr;
  if (!options.isEnabled || stream.isTTY !== true || options.total <= 0) return SILENT;
  const bar = new SingleBar(
    {
      stream: stream as NodeJS.WriteStream,
      format: `${options.label} |{bar}| {value}/{total} {status}`,
      hideCursor: true,
      clearOnComplete: false,
      // The bar redraws on a timer; it must never keep the process alive on its own.
      gracefulExit: false,
    },
    Presets.shades_classic,
  );
  bar.start(options.total, 0, { status: '' });
  let isStopped = false;
  return {
    isVisible: true,
    update(completed, status) {
      if (!isStopped) bar.update(completed, { status });
    },
    stop() {
      if (isStopped) return;
      isStopped = true;
      bar.stop();
    },
  };
}

/** DSPy's running-score text: `Average Metric: 3.00 / 5 (60.0%)`. */
export function averageMetricStatus(scoreSum: number, scored: number): string {
  const percentage = scored === 0 ? 0 : Math.round((1000 * scoreSum) / scored) / 10;
  return `Average Metric: ${scoreSum.toFixed(2)} / ${scored} (${percentage.toFixed(1)}%)`;
}
