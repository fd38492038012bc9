import pino, { type Logger } from 'pino';
import type { OptionRule } from '../util/validate-options';

export type { Logger };

let rootLogger: Logger | undefined;

/**
 * The root dspex logger: a pino logger named `dspex`, level from `DSPEX_LOG_LEVEL` (default `warn`),
 * writing to stderr so that diagnostics never mix with a program's own output on stdout.
 * Components take `logger?: Logger` in their options and make one child of it per instance.
 */
export function getRootLogger(): Logger {
  rootLogger ??= pino(
    {
      name: 'dspex',
      level: process.env.DSPEX_LOG_LEVEL ?? 'warn',
      redact: ['headers.authorization', 'headers.Authorization', 'apiKey', '*.apiKey'],
    },
    // Synchronous, as pino's default stdout destination is, so a warning just before exit is not lost.
    pino.destination({ dest: 2, sync: true }),
  );
  return rootLogger;
}

/** The rule for a `logger` option: anything with pino's `child` method (a pino `Logger`). */
export const LOGGER_OPTION_RULE: OptionRule = {
  kind: 'custom',
  check: (value) => (value !== null && typeof value === 'object' && typeof (value as { child?: unknown }).child === 'function' ? undefined : 'a pino Logger'),
};
