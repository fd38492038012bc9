import { createProgressDisplay, type ProgressDisplay } from '../evaluate/progress-display';
import type { Logger } from '../logging/logger';

/** Options of `createOptimizerProgress`. */
export interface OptimizerProgressOptions {
  /** False draws nothing (the log records are still written). */
  isEnabled: boolean;
  /** Steps in the whole run (trials, candidates, iterations). */
  total: number;
  /** What runs, e.g. `MIPROv2`. */
  label: string;
  log: Logger;
  /** Where the bar is drawn (default stderr). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Progress of an optimizer run with the best score so far (shared by COPRO, MIPROv2 and GEPA). */
export interface OptimizerProgress {
  /** Records that `completed` steps are done and the best score so far is `bestScore`. */
  step(completed: number, bestScore: number | undefined, fields?: Record<string, unknown>): void;
  stop(): void;
}

/**
 * A cli-progress bar ("best 72.5") on a terminal; everywhere else one pino `info` record per step
 * (`{ step, total, bestScore }`), so CI logs show the same progress without control characters.
 */
export function createOptimizerProgress(options: OptimizerProgressOptions): OptimizerProgress {
  const bar: ProgressDisplay = createProgressDisplay({ isEnabled: options.isEnabled, total: options.total, label: options.label, stream: options.stream });
  return {
    step(completed, bestScore, fields = {}) {
      if (bar.isVisible) bar.update(completed, bestScore === undefined ? '' : `best ${bestScore}`);
      else options.log.info({ ...fields, step: completed, total: options.total, bestScore }, 'optimizer step');
    },
    stop() {
      bar.stop();
    },
  };
}
