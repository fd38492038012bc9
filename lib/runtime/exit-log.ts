import type { Logger } from '../logging/logger';
import { DspexError } from '../errors';

/** What a log line says about an error without its stack: its code, its message and its cause's. */
export function errorSummary(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const cause = error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : undefined;
  return { code: DspexError.is(error) ? error.code : error.name, error: error.message, ...(cause === undefined ? {} : { cause }) };
}

/**
 * Logs a child's exit as one line at `level`, without a stack (a crash must not flood the
 * program's logs), and the full error, stack included, at debug.
 */
export function logExit(
  log: Logger,
  level: 'warn' | 'info',
  fields: { child: string; version: string; reason: string },
  error: unknown,
  message: string,
): void {
  log[level]({ ...fields, ...errorSummary(error) }, message);
  log.debug({ child: fields.child, err: error }, 'exit details');
}
