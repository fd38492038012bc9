import pino, { type Logger } from 'pino';

export type { Logger };

let rootLogger: Logger | undefined;

/**
 * The root dspex logger: a pino logger named `dspex`, level from `DSPEX_LOG_LEVEL` (default `warn`).
 * Components take `logger?: Logger` in their options and make one child of it per instance.
 */
export function getRootLogger(): Logger {
  rootLogger ??= pino({
    name: 'dspex',
    level: process.env.DSPEX_LOG_LEVEL ?? 'warn',
    redact: ['headers.authorization', 'headers.Authorization', 'apiKey', '*.apiKey'],
  });
  return rootLogger;
}
