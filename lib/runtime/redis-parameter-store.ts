import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ConfigurationError, ParameterValidationError, describeProblem, describeValue, configurationError } from '../errors';
import { getRootLogger, type Logger } from '../logging/logger';
import { ParameterStore, type BoundParameter } from '../primitives/parameter-store';
import { validateOptions, LOGGER_RULE } from '../util/validate-options';
import { ConnectionHealth, closeRedisClient, createRedisClient, resolveRedisOptions, withinRetryBudget, type RedisConnection } from './redis-connection';

/** Options of `RedisParameterStore.connect()`. */
export interface RedisParameterStoreOptions {
  /**
   * Where Redis is: a URL or ioredis options.
   * @example 'redis://127.0.0.1:6379'
   */
  connection: RedisConnection;
  /**
   * The first part of the keys and channel this store uses (`<prefix>:parameters`).
   * @default 'dspex'
   */
  prefix?: string;
  /** The parent logger (default: dspex's root logger). */
  logger?: Logger;
}

/** One write as Redis holds and publishes it: the key's version, the value as JSON, and who wrote it. */
interface Envelope {
  readonly key: string;
  readonly version: number;
  readonly json: string;
  readonly origin: string;
}

/**
 * Atomically bumps the key's version, stores the value with it and publishes both, so every
 * process sees writes of one key in one order (the version) whatever order messages arrive in.
 * KEYS: values hash, versions hash. ARGV: key, value JSON, origin, channel.
 */
const WRITE_SCRIPT = `
local version = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[4], cjson.encode({ key = ARGV[1], version = version, json = ARGV[2], origin = ARGV[3] }))
return version
`;

/**
 * A `ParameterStore` shared by every process connected to the same Redis and prefix. `get` reads
 * a local mirror (synchronous, as modules need), kept current by pub/sub; `set` validates the value
 * against the constraints of every parameter bound to the key in this process, updates the mirror,
 * and returns a Promise that resolves once Redis holds the value. Each key carries a version, so a
 * late or reordered message never overwrites a newer value.
 * @example
 * const store = await RedisParameterStore.connect({ connection: 'redis://127.0.0.1:6379' });
 * const supervisor = new Supervisor({ parameterStore: store });
 */
export class RedisParameterStore extends ParameterStore {
  readonly prefix: string;
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #health: ConnectionHealth;
  readonly #origin = randomUUID();
  readonly #log: Logger;
  /** The newest version applied to the mirror, per key. */
  readonly #versions = new Map<string, number>();
  /** Keys whose mirror holds a local write not yet confirmed, and not since replaced by another process's. */
  readonly #unconfirmed = new Set<string>();
  readonly #bound = new Map<string, Set<WeakRef<BoundParameter>>>();
  #closed = false;

  private constructor(prefix: string, commands: Redis, subscriber: Redis, health: ConnectionHealth, log: Logger) {
    super();
    this.prefix = prefix;
    this.#commands = commands;
    this.#subscriber = subscriber;
    this.#health = health;
    this.#log = log;
  }

  /**
   * Connects, subscribes, and loads every stored value into the mirror before resolving.
   * @throws {ConfigurationError} CONFIGURATION_INVALID for invalid options.
   * @throws {ClusterUnavailableError} CLUSTER_UNAVAILABLE when Redis stays unreachable for the retry budget.
   */
  static async connect(options: RedisParameterStoreOptions): Promise<RedisParameterStore> {
    const { known } = validateOptions(
      'RedisParameterStore.connect',
      options,
      {
        connection: { kind: 'any', required: true },
        prefix: { kind: 'string' },
        logger: LOGGER_RULE,
      },
      { error: configurationError, allowUndefined: false },
    );
    const redisOptions = resolveRedisOptions('RedisParameterStore', known.connection);
    const prefix = (known.prefix as string | undefined) ?? 'dspex';
    const log = ((known.logger as Logger | undefined) ?? getRootLogger()).child({ component: 'redis-parameter-store', prefix });
    const health = new ConnectionHealth();
    const commands = createRedisClient(redisOptions, health, `${prefix}:parameters`);
    const subscriber = createRedisClient(redisOptions, health, `${prefix}:parameters:subscriber`);
    const store = new RedisParameterStore(prefix, commands, subscriber, health, log);
    try {
      await withinRetryBudget('connecting the parameter store', () => store.#start(), health);
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  get #channel(): string {
    return `${this.prefix}:parameters`;
  }

  async #start(): Promise<void> {
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#channel) this.#receive(message);
    });
    await this.#subscriber.subscribe(this.#channel);
    // Subscribed first, then read: a write landing between the two arrives as a message with a higher version.
    const [values, versions] = await Promise.all([
      this.#commands.hgetall(`${this.prefix}:parameters:values`),
      this.#commands.hgetall(`${this.prefix}:parameters:versions`),
    ]);
    for (const [key, json] of Object.entries(values)) this.#apply({ key, json, version: Number(versions[key] ?? 0), origin: '' });
  }

  /**
   * Validates `value` against every parameter bound to `key` here, updates the local mirror (and
   * subscribers) at once, and resolves once Redis holds the value and has told the other processes.
   * A rejected promise is also logged, since modules assign without awaiting.
   * @throws {ParameterValidationError} PARAMETER_INVALID (as a rejection) when a bound parameter's constraints reject `value`; nothing is written.
   * @throws {ClusterUnavailableError} CLUSTER_UNAVAILABLE (as a rejection) when Redis stays unreachable; the mirror keeps the value.
   */
  override set(key: string, value: unknown): Promise<void> {
    const json = this.#encode(key, value);
    const problems = this.#problems(key, value);
    if (problems.length > 0) {
      const error = new ParameterValidationError(
        describeProblem(
          `Invalid value for shared parameter "${key}": ${problems.join('; ')}.`,
          describeValue(value),
          'Set a value that satisfies the constraints of the parameters bound to it; nothing was written.',
        ),
        { details: { key, value, problems } },
      );
      return this.#handled(Promise.reject(error), key);
    }
    super.set(key, value);
    this.#unconfirmed.add(key);
    const write = withinRetryBudget(
      `writing the shared parameter "${key}"`,
      () =>
        this.#commands.eval(
          WRITE_SCRIPT,
          2,
          `${this.prefix}:parameters:values`,
          `${this.prefix}:parameters:versions`,
          key,
          json,
          this.#origin,
          this.#channel,
        ) as Promise<number>,
      this.#health,
    ).then((version) => {
      // The message may arrive after this reply, or before: whichever comes first records the version.
      if (version > (this.#versions.get(key) ?? 0)) {
        this.#versions.set(key, version);
        this.#unconfirmed.delete(key);
      }
    });
    return this.#handled(write, key);
  }

  override bindParameter(key: string, parameter: BoundParameter): void {
    let refs = this.#bound.get(key);
    if (refs === undefined) {
      refs = new Set();
      this.#bound.set(key, refs);
    }
    refs.add(new WeakRef(parameter));
  }

  /** The version of `key` applied to this process's mirror (0 when never set). */
  versionOf(key: string): number {
    return this.#versions.get(key) ?? 0;
  }

  /** Unsubscribes and closes both connections; the mirror keeps its last values. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([closeRedisClient(this.#subscriber), closeRedisClient(this.#commands)]);
  }

  #receive(message: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch (error) {
      this.#log.warn({ err: error }, 'unreadable parameter message ignored');
      return;
    }
    this.#apply(envelope);
  }

  #apply(envelope: Envelope): void {
    const { key, version, json, origin } = envelope;
    if (typeof key !== 'string' || typeof json !== 'string' || !(version > (this.#versions.get(key) ?? 0))) return;
    this.#versions.set(key, version);
    if (origin === this.#origin && this.#unconfirmed.has(key)) {
      // Our own write, already in the mirror since set() was called.
      this.#unconfirmed.delete(key);
      return;
    }
    this.#unconfirmed.delete(key);
    try {
      super.set(key, JSON.parse(json) as unknown);
    } catch (error) {
      // Another process's constraints passed it, a parameter bound here refuses it: the mirror keeps its value.
      this.#log.warn({ err: error, key, version }, 'shared parameter from another process refused here; kept the previous value');
    }
  }

  #problems(key: string, value: unknown): string[] {
    const refs = this.#bound.get(key);
    if (refs === undefined) return [];
    const problems: string[] = [];
    for (const ref of refs) {
      const parameter = ref.deref();
      if (parameter === undefined) refs.delete(ref);
      else problems.push(...parameter.check(value));
    }
    return [...new Set(problems)];
  }

  #encode(key: string, value: unknown): string {
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      json = undefined;
    }
    if (typeof key !== 'string' || key.length === 0 || json === undefined) {
      throw new ConfigurationError(
        describeProblem(
          'A shared parameter needs a non-empty string key and a JSON value.',
          `${describeValue(key)} → ${describeValue(value)}`,
          "Pass e.g. store.set('sampling.temperature', 0.7).",
        ),
        { details: { key } },
      );
    }
    return json;
  }

  /** Marks `promise` handled (modules assign without awaiting) and logs a failure; callers that await still see it. */
  #handled(promise: Promise<void>, key: string): Promise<void> {
    promise.catch((error: unknown) => this.#log.warn({ err: error, key }, 'shared parameter not written'));
    return promise;
  }
}
