import { ConfigurationError, InputValidationError, LMResponseError, describeProblem, describeValue, configurationError } from '../errors';
import { getRootLogger } from '../logging/logger';
import type { LMUsage } from '../primitives/prediction';
import { cacheKeyOf } from './cache-key';
import { postJson, type HttpSettings } from './http-request';
import { getDefaultLMCache, LMCache } from './lm-cache';
import { resolveProvider } from './resolve-provider';
import { toSnakeCase } from './chat-request';
import { TRANSPORT_RULES, validateClientOptions } from './lm-client-options';
import { buildHttpSettings, type TransportOptions } from './transport-options';
import { validateOptions, type OptionRules } from '../util/validate-options';
import { usageFromResponse } from './usage';

/** A local embedding function: one vector per text, in order (sync or async). */
export type EmbeddingFunction = (texts: string[]) => ArrayLike<number>[] | Promise<ArrayLike<number>[]>;

/** Options of `new Embedder(model, options)`. */
export interface EmbedderOptions extends TransportOptions {
  /** Texts per request (or per call of a local function); default 200, as DSPy. */
  batchSize?: number;
  /** `false` turns caching off (default `true`); local functions are never cached. */
  cache?: boolean;
  /** Where vectors are cached; default the process-wide LM cache. */
  cacheStore?: LMCache;
  /** Sent as `dimensions` (OpenAI's text-embedding-3 models can shorten vectors). */
  dimensions?: number;
  /** Any other option (e.g. `user`) is sent in the request body in snake_case, unless it is a near miss of an option above. */
  [parameter: string]: unknown;
}

/** Per-call options of `embed()`. */
export interface EmbedOptions {
  batchSize?: number;
  cache?: boolean;
  signal?: AbortSignal;
}

const DEFAULT_BATCH_SIZE = 200;

const EMBEDDER_RULES: OptionRules = {
  ...TRANSPORT_RULES,
  batchSize: { kind: 'integer', min: 1 },
  cache: { kind: 'boolean' },
  cacheStore: { kind: 'custom', check: (value) => (value instanceof LMCache ? undefined : 'an LMCache') },
  dimensions: { kind: 'integer', min: 1 },
};

const EMBED_RULES: OptionRules = { batchSize: { kind: 'integer', min: 1 }, cache: { kind: 'boolean' }, signal: { kind: 'signal' } };

/**
 * Turns texts into vectors, through an OpenAI-compatible `POST /embeddings` endpoint (same provider
 * prefixes, retries, timeouts and cache as `LM`) or a local function, as DSPy's `dspy.Embedder`.
 * Hosted vectors are cached per text, so only texts never seen before are sent.
 * @example
 * const embedder = new Embedder('openai/text-embedding-3-small');
 * const [first, second] = await embedder.embed(['hello', 'world']);
 */
export class Embedder {
  /** The model name as given, or `undefined` for a local function. */
  readonly model: string | undefined;
  readonly batchSize: number;
  readonly cache: boolean;
  readonly #function: EmbeddingFunction | undefined;
  readonly #http: HttpSettings | undefined;
  readonly #modelName: string | undefined;
  readonly #dimensions: number | undefined;
  readonly #cacheStore: LMCache | undefined;
  /** Options the Embedder does not know, sent in each request body in snake_case (as DSPy passes kwargs). */
  readonly #requestParameters: Readonly<Record<string, unknown>>;
  readonly #usage: LMUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: null };

  /** @throws {ConfigurationError} CONFIGURATION_INVALID for a bad model, prefix or option. */
  constructor(model: string | EmbeddingFunction, options: EmbedderOptions = {}) {
    const { passThrough } = validateClientOptions('Embedder', options, EMBEDDER_RULES);
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.cache = options.cache ?? true;
    this.#requestParameters = Object.freeze(passThrough);
    this.#cacheStore = options.cacheStore;
    if (typeof model === 'function') {
      this.#function = model;
      return;
    }
    if (typeof model !== 'string' || model.length === 0) {
      throw new ConfigurationError(
        describeProblem(
          'An Embedder needs a model name or a function.',
          describeValue(model),
          "Pass e.g. 'openai/text-embedding-3-small', or (texts) => vectors.",
        ),
      );
    }
    this.#dimensions = options.dimensions;
    const provider = resolveProvider(model, options, 'Embedder');
    const logger = (options.logger ?? getRootLogger()).child({ component: 'embedder', model });
    this.model = model;
    this.#modelName = provider.modelName;
    this.#http = buildHttpSettings(provider, options, logger, 'Embedder');
  }

  /** Tokens reported by the embeddings endpoint, summed over every request (cache hits cost none). */
  get usage(): Readonly<LMUsage> {
    return { ...this.#usage };
  }

  /**
   * One vector per text, in the order given.
   * @throws {InputValidationError} INPUT_INVALID when `texts` is not a list of strings.
   * @throws {LMResponseError} LM_RESPONSE_INVALID when the vectors are malformed, miscounted or of different sizes.
   * @throws {LMHttpError} LM_HTTP / {LMTimeoutError} LM_TIMEOUT as `LM` does.
   */
  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<number[][]> {
    options.signal?.throwIfAborted();
    if (!Array.isArray(texts) || !texts.every((text) => typeof text === 'string')) {
      throw new InputValidationError(
        describeProblem('embed() takes a list of strings.', describeValue(texts), "Pass e.g. ['first text', 'second text'] (wrap a single text in a list)."),
      );
    }
    validateOptions('embed', options, EMBED_RULES, { error: configurationError });
    const batchSize = options.batchSize ?? this.batchSize;
    const vectors =
      this.#function === undefined ? await this.#embedHosted(texts, batchSize, options) : await this.#embedLocally(texts, batchSize, options.signal);
    checkSameSize(vectors, this.model ?? 'the embedding function');
    return vectors;
  }

  async #embedLocally(texts: readonly string[], batchSize: number, signal: AbortSignal | undefined): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      signal?.throwIfAborted();
      const batch = texts.slice(start, start + batchSize);
      const result: unknown = await (this.#function as EmbeddingFunction)(batch);
      vectors.push(...readVectors(result, batch.length, 'the embedding function'));
    }
    return vectors;
  }

  async #embedHosted(texts: readonly string[], batchSize: number, options: EmbedOptions): Promise<number[][]> {
    const useCache = this.cache && options.cache !== false;
    const store = this.#cacheStore ?? getDefaultLMCache();
    const found = new Map<string, number[]>();
    const keys = new Map<string, string>();
    const missing: string[] = [];
    for (const text of new Set(texts)) {
      if (useCache) {
        const key = cacheKeyOf({ ...this.#requestParameters, endpoint: 'embeddings', model: this.model, dimensions: this.#dimensions, input: text });
        keys.set(text, key);
        const cached = store.getFromMemory(key) ?? (await store.get(key));
        if (isVector(cached)) {
          found.set(text, [...cached]);
          continue;
        }
      }
      missing.push(text);
    }
    for (let start = 0; start < missing.length; start += batchSize) {
      options.signal?.throwIfAborted();
      const batch = missing.slice(start, start + batchSize);
      const vectors = await this.#request(batch, options.signal);
      for (let index = 0; index < batch.length; index += 1) {
        found.set(batch[index], vectors[index]);
        const key = keys.get(batch[index]);
        if (key !== undefined) await store.set(key, vectors[index]);
      }
    }
    return texts.map((text) => [...(found.get(text) as number[])]);
  }

  async #request(batch: string[], signal: AbortSignal | undefined): Promise<number[][]> {
    const http = this.#http as HttpSettings;
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this.#requestParameters)) if (value !== undefined && value !== null) body[toSnakeCase(key)] = value;
    Object.assign(body, { model: this.#modelName, input: batch });
    if (this.#dimensions !== undefined) body.dimensions = this.#dimensions;
    const reply = await postJson(http, '/embeddings', body, signal);
    const url = `${http.baseURL}/embeddings`;
    const data = (reply as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) throw invalidReply(`The embeddings reply from ${url} has no "data" list.`, reply);
    const ordered = data.every((item) => typeof item?.index === 'number') ? [...data].sort((left, right) => left.index - right.index) : data;
    const usage = usageFromResponse((reply as { usage?: unknown }).usage);
    if (usage !== undefined) {
      this.#usage.promptTokens += usage.promptTokens;
      this.#usage.totalTokens += usage.totalTokens;
    }
    const vectors = readVectors(
      ordered.map((item: unknown) => (typeof item === 'object' && item !== null ? (item as { embedding?: unknown }).embedding : item)),
      batch.length,
      url,
    );
    // Checked before caching, so a malformed batch never reaches the cache.
    checkSameSize(vectors, url);
    return vectors;
  }
}

function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'number');
}

/** `count` vectors of finite numbers from `result`, copied into plain arrays. */
function readVectors(result: unknown, count: number, source: string): number[][] {
  if (!Array.isArray(result) || result.length !== count) {
    throw invalidReply(`${source} returned ${Array.isArray(result) ? result.length : 'no list of'} vectors for ${count} texts.`, result);
  }
  return result.map((row: unknown, index) => {
    const isArrayLike = Array.isArray(row) || ArrayBuffer.isView(row);
    const vector = isArrayLike ? Array.from(row as ArrayLike<number>) : [];
    if (vector.length === 0 || !vector.every((item) => typeof item === 'number' && Number.isFinite(item))) {
      throw invalidReply(`${source} returned a malformed vector for text ${index}.`, row);
    }
    return vector;
  });
}

function checkSameSize(vectors: readonly number[][], source: string): void {
  const sizes = new Set(vectors.map((vector) => vector.length));
  if (sizes.size > 1) throw invalidReply(`${source} returned vectors of different sizes (${[...sizes].join(', ')}).`, undefined);
}

function invalidReply(problem: string, received: unknown): LMResponseError {
  return new LMResponseError(
    describeProblem(
      problem,
      received === undefined ? undefined : describeValue(received, 120),
      'Check the model (an embedding model) and the endpoint, or the function.',
    ),
  );
}
