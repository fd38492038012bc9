import { Redis, type RedisOptions } from 'ioredis';
import { ClusterUnavailableError, ConfigurationError, describeProblem, describeValue } from '../errors';
import { isPlainObject } from '../util/is-plain-object';

/**
 * Where Redis is: a URL (`redis://user:password@host:6379/0`, `rediss://` for TLS) or ioredis
 * options (`{ host, port, password, db, tls, … }`).
 */
export type RedisConnection = string | RedisOptions;

/**
 * How long an operation waits for an unreachable Redis before it gives up with
 * `ClusterUnavailableError`. ioredis keeps reconnecting in the background (so a Redis restart heals
 * long-lived workers), but no call waits longer than this for a connection.
 */
export const RETRY_BUDGET_MS = 5000;

/** Reconnect delays: 50 ms, 100 ms, … capped at 1 s, forever (each operation is bounded by the budget instead). */
const reconnectDelay = (attempt: number): number => Math.min(attempt * 50, 1000);

/**
 * Turns a `connection` option into ioredis options every dspex client shares: reconnect forever,
 * queue commands while reconnecting (`maxRetriesPerRequest: null`, which BullMQ's blocking
 * connections require), and leave the budget to `withinRetryBudget`.
 * @throws {ConfigurationError} CONFIGURATION_INVALID for a value that is neither a redis URL nor an options object.
 */
export function resolveRedisOptions(owner: string, connection: unknown): RedisOptions {
  const base = { retryStrategy: reconnectDelay, maxRetriesPerRequest: null, enableReadyCheck: true } satisfies RedisOptions;
  if (typeof connection === 'string') return { ...parseRedisUrl(owner, connection), ...base };
  if (isPlainObject(connection)) return { ...base, ...(connection as RedisOptions), maxRetriesPerRequest: null };
  throw new ConfigurationError(
    describeProblem(
      `${owner}: "connection" must be a Redis URL or ioredis options.`,
      describeValue(connection),
      "Pass e.g. 'redis://127.0.0.1:6379' or { host: '127.0.0.1', port: 6379 }.",
    ),
    { details: { option: 'connection' } },
  );
}

function parseRedisUrl(owner: string, text: string): RedisOptions {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigurationError(
      describeProblem(`${owner}: "connection" is not a Redis URL.`, describeValue(text), 'Use redis://host:port[/db] (or rediss:// for TLS).'),
      {
        details: { option: 'connection' },
      },
    );
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : {}),
    ...(Number.isInteger(db) ? { db } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** The last connection error of a group of clients, kept for the `cause` of `ClusterUnavailableError`. */
export class ConnectionHealth {
  lastError: Error | undefined = undefined;

  /** Records errors of `emitter` (which must have a listener, or Node throws on 'error'). */
  watch(emitter: { on(event: 'error', listener: (error: Error) => void): unknown }): void {
    emitter.on('error', (error: Error) => {
      this.lastError = error;
    });
  }
}

/** A plain ioredis client on resolved options, its errors recorded by `health`. */
export function createRedisClient(options: RedisOptions, health: ConnectionHealth, name: string): Redis {
  const client = new Redis({ ...options, connectionName: name });
  health.watch(client);
  return client;
}

const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|Connection is closed|MaxRetriesPerRequest|Stream isn't writeable/i;

/**
 * Runs `work`, giving up with `ClusterUnavailableError` when it has not settled within the budget
 * (Redis unreachable: ioredis keeps the command queued while it reconnects) or when it fails with a
 * connection error. Other errors pass through unchanged.
 * @throws {ClusterUnavailableError} CLUSTER_UNAVAILABLE
 */
export async function withinRetryBudget<T>(
  operation: string,
  work: () => Promise<T>,
  health: ConnectionHealth,
  budgetMs: number = RETRY_BUDGET_MS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const unavailable = (cause: unknown): ClusterUnavailableError =>
    new ClusterUnavailableError(
      describeProblem(
        `Redis could not be reached for ${operation} within ${budgetMs} ms.`,
        cause instanceof Error ? describeValue(cause.message) : undefined,
        'Check that Redis runs and that "connection" points at it.',
      ),
      { cause, details: { operation, budgetMs } },
    );
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(unavailable(health.lastError)), budgetMs);
  });
  try {
    return await Promise.race([work(), expired]);
  } catch (error) {
    if (error instanceof Error && !(error instanceof ClusterUnavailableError) && CONNECTION_ERROR.test(error.message)) throw unavailable(error);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes a client without waiting on an unreachable Redis: QUIT when connected (pending replies
 * arrive first), else an immediate disconnect (QUIT would sit in the offline queue forever).
 */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/**
 * Closes a BullMQ queue, worker or event reader gracefully, or at once when that takes longer than
 * the retry budget (its Redis is unreachable: a graceful close would wait for it forever).
 */
export async function closeWithinBudget(
  target: { close(): Promise<void>; disconnect(): Promise<void> } | undefined,
  budgetMs: number = RETRY_BUDGET_MS,
): Promise<void> {
  if (target === undefined) return;
  if (!Number.isFinite(budgetMs)) return target.close();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), budgetMs);
  });
  try {
    const outcome = await Promise.race([target.close().catch(() => undefined), late]);
    if (outcome === 'late') await target.disconnect().catch(() => undefined);
  } finally {
    clearTimeout(timer);
  }
}
