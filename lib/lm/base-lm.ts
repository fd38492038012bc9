import { validateOption } from '../util/validate-options';
import { randomUUID } from 'node:crypto';
import { ConfigurationError, LMResponseError, describeProblem, describeValue, configurationError } from '../errors';
import type { LMUsage } from '../primitives/prediction';
import { cacheKeyOf } from './cache-key';
import { addToUsageScopes } from './usage-scope';
import { addUsage, priceOf, type LMPricing, type TokenCounts } from './usage';
import { DEFAULT_HISTORY_MAX_BYTES, recordGlobally } from './global-history';
import { LMHistory } from './lm-history';
import { recordInCallScope } from '../util/call-scope';
import type { ChatMessage } from './chat-message';
import { getDefaultLMCache, LMCache, type LMCacheOptions } from './lm-cache';
import { BASE_LM_RULES, validateClientOptions } from './lm-client-options';
import { scrubText } from './scrub-secrets';
import type { LMStreamEnd, LMStreamItem } from './lm-stream-item';
import { currentStreamSink, type StreamReceiver } from './stream-sink';

/** Request options every LM understands; per-call options are merged over the LM's defaults. */
export interface LMCallOptions {
  temperature?: number;
  maxTokens?: number;
  /** How many completions to ask for (one request). */
  n?: number;
  stop?: string | string[];
  /** Makes otherwise identical requests distinct for the cache (DSPy's `rollout_id`); never sent. */
  rolloutId?: number;
  /** OpenAI-style `response_format`, used by JSONAdapter. */
  responseFormat?: Record<string, unknown>;
  /** `false` skips the cache for this call. */
  cache?: boolean;
  signal?: AbortSignal;
  [option: string]: unknown;
}

/** What `forward` returns: one text per completion, and token usage when known. */
export interface LMOutput {
  outputs: string[];
  /** Token counts of this reply; `call()` adds the cost (reported or priced). */
  usage?: TokenCounts | LMUsage;
  /** The provider's model name, when it reports one. */
  responseModel?: string;
  /** The provider's raw response, kept in history. */
  response?: unknown;
  /** The cost the provider reported for this reply, in dollars. */
  cost?: number;
  /** True when the reply came from the cache (then `usage` and `cost` are undefined: no LM call was made). */
  cacheHit?: boolean;
}

/** One entry of `lm.history`, with DSPy's fields (`kwargs` named `options`). */
export interface LMHistoryEntry {
  prompt: string | null;
  messages: readonly ChatMessage[];
  options: Readonly<Record<string, unknown>>;
  response: unknown;
  outputs: readonly string[];
  usage: LMUsage | undefined;
  cost: number | null;
  timestamp: string;
  uuid: string;
  model: string;
  responseModel: string | undefined;
  modelType: 'chat';
}

/** Options of every LM: defaults for each request plus history size. */
export interface BaseLMOptions extends Omit<LMCallOptions, 'signal'> {
  /**
   * Calls kept in `history`.
   * @default 10000
   */
  historySize?: number;
  /**
   * Bytes (estimated) `history` may hold; the oldest calls go first. All histories of the process
   * together are also bounded, by `DSPEX_HISTORY_MAX_BYTES`.
   * @default 67108864 (64 MiB)
   */
  historyMaxBytes?: number;
  /**
   * Dollar prices per million prompt (`inputPerMillion`) and completion (`outputPerMillion`) tokens,
   * used for a call's cost when the provider reports none. Without it such a cost is `null` (unknown).
   */
  pricing?: LMPricing;
  /**
   * `false` turns the cache off for this LM (default `true`); a call can also pass `cache: false`.
   * An object turns it on with this LM's own cache: `{ directory, memoryMaxBytes }` (`directory: null` keeps it in memory only).
   */
  cache?: boolean | LMCacheOptions;
  /** Where replies are cached; default the process-wide memory + disk cache (`DSPEX_CACHE_DIR`). */
  cacheStore?: LMCache;
}

const DEFAULT_HISTORY_SIZE = 10_000;
const NON_REQUEST_OPTIONS = new Set(['historySize', 'historyMaxBytes', 'cache', 'cacheStore', 'signal', 'pricing']);
/** Keys never written to history: credentials (DSPy drops `api_*` kwargs) and headers that may carry them. */
const UNRECORDED_OPTION = /^(api_|apiKey$|apiBase$|headers$|signal$)/;

/** What the cache keeps of a reply: usage and cost belong to the call that paid for them. */
interface CachedOutput {
  outputs: string[];
  responseModel?: string;
  response?: unknown;
}

/**
 * The LM contract. Subclasses implement `forward(messages, options)`; callers use `call()`, which
 * merges default options, records `history` and sums `usage`. `LM`, `DummyLM` and user LMs extend it.
 */
export abstract class BaseLM {
  readonly model: string;
  readonly modelType = 'chat' as const;
  /** Default request options (temperature, maxTokens, …). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Whether replies are cached (DSPy's `lm.cache`); a call's `cache: false` also skips the cache. */
  readonly cache: boolean;
  readonly #cacheStore: LMCache | undefined;
  readonly #history: LMHistory;
  readonly #usage: LMUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: 0 };
  readonly #pricing: LMPricing | undefined;

  constructor(model: string, options: BaseLMOptions = {}) {
    if (typeof model !== 'string' || model.length === 0) {
      throw new ConfigurationError(describeProblem('An LM needs a model name.', describeValue(model), "Pass e.g. 'openai/gpt-4o-mini'."));
    }
    validateClientOptions(new.target.name, options, BASE_LM_RULES);
    const historySize = options.historySize ?? DEFAULT_HISTORY_SIZE;
    this.model = model;
    this.#pricing =
      options.pricing === undefined ? undefined : { inputPerMillion: options.pricing.inputPerMillion, outputPerMillion: options.pricing.outputPerMillion };
    this.cache = options.cache !== false;
    this.#cacheStore = options.cacheStore ?? (typeof options.cache === 'object' ? new LMCache(options.cache) : undefined);
    const defaults: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) if (!NON_REQUEST_OPTIONS.has(key) && value !== undefined) defaults[key] = value;
    this.options = Object.freeze(defaults);
    this.#history = new LMHistory(historySize, options.historyMaxBytes ?? DEFAULT_HISTORY_MAX_BYTES);
  }

  /** Sends one request; implemented by each LM. Callers use `call()`. */
  abstract forward(messages: readonly ChatMessage[], options: LMCallOptions): Promise<LMOutput>;

  /**
   * Optional: sends one request and yields the reply's text in pieces as it arrives, then at most
   * one `{ usage }` item. An LM without it still works under `streamify` (its reply arrives as one
   * piece). Like `forward`, it adds no cache or history; `call()` does, inside `streamify`.
   */
  stream?(messages: readonly ChatMessage[], options: LMCallOptions): AsyncIterable<LMStreamItem>;

  /**
   * Sends messages with the default options merged under `options`; records history and usage.
   * Unless caching is off (for the LM or this call), an identical earlier request (same model,
   * messages and options, `rolloutId` included) is answered from the cache; a failed call is never cached.
   */
  async call(messages: readonly ChatMessage[], options: LMCallOptions = {}): Promise<LMOutput> {
    options.signal?.throwIfAborted();
    const merged: LMCallOptions = { ...this.options, ...options };
    const cacheKey = this.cache && merged.cache !== false ? this.#cacheKeyOf(messages, merged) : undefined;
    const receiver = currentStreamSink()?.(this, messages, merged);
    if (receiver !== undefined) return this.#callStreaming(messages, merged, cacheKey, receiver);
    if (cacheKey !== undefined) {
      const store = this.#store();
      const cached = (store.getFromMemory(cacheKey) ?? (await store.get(cacheKey))) as CachedOutput | undefined;
      if (isCachedOutput(cached)) {
        const output: LMOutput = { outputs: [...cached.outputs], responseModel: cached.responseModel, response: cached.response, cacheHit: true };
        this.record(messages, merged, output);
        return output;
      }
    }
    const output = await this.forward(messages, merged);
    if (cacheKey !== undefined) {
      const entry: CachedOutput = { outputs: [...output.outputs], responseModel: output.responseModel, response: output.response };
      await this.#store().set(cacheKey, entry);
    }
    this.record(messages, merged, output);
    return output;
  }

  /**
   * `call()` under `streamify`: a cached reply is handed over as one piece; otherwise `stream()`
   * (one completion) passes each piece on as it arrives, or, without it, `forward()`'s first
   * completion goes as one piece. Cache and history get the reply once it is complete.
   */
  async #callStreaming(messages: readonly ChatMessage[], merged: LMCallOptions, cacheKey: string | undefined, receiver: StreamReceiver): Promise<LMOutput> {
    if (cacheKey !== undefined) {
      const store = this.#store();
      const cached = (store.getFromMemory(cacheKey) ?? (await store.get(cacheKey))) as CachedOutput | undefined;
      if (isCachedOutput(cached)) {
        const output: LMOutput = { outputs: [...cached.outputs], responseModel: cached.responseModel, response: cached.response, cacheHit: true };
        await settle(receiver.text(output.outputs[0] ?? ''), () => receiver.end());
        this.record(messages, merged, output);
        return output;
      }
    }
    let output: LMOutput;
    if (typeof this.stream === 'function' && (merged.n === undefined || merged.n === 1)) {
      output = await this.#collectStream(this.stream(messages, merged), receiver);
      await settle(receiver.end());
    } else {
      output = await this.forward(messages, merged);
      await settle(receiver.text(output.outputs[0] ?? ''), () => receiver.end());
    }
    if (cacheKey !== undefined) await this.#store().set(cacheKey, { outputs: [...output.outputs], responseModel: output.responseModel } satisfies CachedOutput);
    this.record(messages, merged, output);
    return output;
  }

  async #collectStream(items: AsyncIterable<LMStreamItem>, receiver: StreamReceiver): Promise<LMOutput> {
    const pieces: string[] = [];
    let end: LMStreamEnd | undefined;
    for await (const item of items) {
      if (typeof item === 'string') {
        if (item === '') continue;
        pieces.push(item);
        await settle(receiver.text(item));
      } else if (typeof item === 'object' && item !== null && end === undefined) {
        end = item;
      } else {
        throw new LMResponseError(
          describeProblem(
            `${this.constructor.name}.stream() must yield text pieces, then at most one { usage } item.`,
            describeValue(item),
            'Yield strings while the reply arrives, and one { usage: { promptTokens, completionTokens, totalTokens } } at the end.',
          ),
          { details: { model: this.model } },
        );
      }
    }
    return { outputs: [pieces.join('')], usage: end?.usage, cost: end?.cost, responseModel: end?.responseModel };
  }

  /** The cache key of a request, or `undefined` when it cannot be keyed (then the call is not cached). */
  #cacheKeyOf(messages: readonly ChatMessage[], options: LMCallOptions): string | undefined {
    try {
      return cacheKeyOf({ ...options, model: this.model, messages });
    } catch {
      // Circular option values cannot be hashed; DSPy likewise skips the cache for unkeyable requests.
      return undefined;
    }
  }

  #store(): LMCache {
    return this.#cacheStore ?? getDefaultLMCache();
  }

  /** Adds a finished call to history and usage totals. */
  protected record(messages: readonly ChatMessage[], options: LMCallOptions, output: LMOutput): void {
    const usage = this.#usageOf(output);
    if (usage !== undefined) {
      addToUsageScopes(usage);
      addUsage(this.#usage, usage);
    }
    const recorded: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) if (!UNRECORDED_OPTION.test(key)) recorded[key] = value;
    const secrets = this.secretsToScrub();
    const entry: LMHistoryEntry = {
      prompt: null,
      messages: secrets.length === 0 ? messages : messages.map((message) => scrubMessage(message, secrets)),
      options: recorded,
      response: output.response,
      outputs: output.outputs,
      usage,
      cost: usage?.cost ?? output.cost ?? null,
      timestamp: new Date().toISOString(),
      uuid: randomUUID(),
      model: this.model,
      responseModel: output.responseModel,
      modelType: this.modelType,
    };
    recordGlobally(entry, this.#history);
    recordInCallScope({ render: () => renderHistory([entry]) });
  }

  /** A call's usage with its cost: the provider's, else priced from `pricing`, else `null` (unknown). */
  #usageOf(output: LMOutput): LMUsage | undefined {
    if (output.usage === undefined) return undefined;
    const { promptTokens, completionTokens, totalTokens } = output.usage;
    const reported = output.cost ?? ('cost' in output.usage ? output.usage.cost : null);
    const cost = reported ?? (this.#pricing === undefined ? null : priceOf(output.usage, this.#pricing));
    return { promptTokens, completionTokens, totalTokens, cost };
  }

  /** Strings never kept in history (an LM's API key and credential headers); none by default. */
  protected secretsToScrub(): readonly string[] {
    return [];
  }

  /** The recorded calls, oldest first (bounded by `historySize` and `historyMaxBytes`, and by the process-wide byte bound). */
  get history(): readonly LMHistoryEntry[] {
    return this.#history.last();
  }

  /** Token usage and cost summed over every call of this LM (`cost` is `null` once any call's cost was unknown). */
  get usage(): Readonly<LMUsage> {
    return { ...this.#usage };
  }

  /** Forgets this LM's recorded history (the process-wide one keeps its calls until `clearHistory()`). */
  clearHistory(): void {
    this.#history.clear();
  }

  /**
   * Empties the cache this LM reads and writes, memory and disk: its own (`cache: { … }`,
   * `cacheStore`) or, by default, the process-wide one, which every LM without its own shares.
   */
  async clearCache(): Promise<void> {
    await this.#store().clear();
  }

  /**
   * Prints the last `n` calls to stdout, as DSPy's `inspect_history`, and returns the text.
   */
  inspectHistory(n = 1): string {
    validateOption('lm.inspectHistory', 'n', n, { kind: 'integer', min: 1 }, { error: configurationError });
    const text = renderHistory(this.#history.last(n));
    process.stdout.write(text);
    return text;
  }

  /** The cache this LM reads and writes (shared by its copies). */
  protected get cacheStore(): LMCache {
    return this.#store();
  }

  /** A copy of this LM with some default options replaced (used for rollouts and per-round settings). */
  abstract copy(overrides?: Partial<BaseLMOptions>): BaseLM;

  /** DSPy's saved LM state (`LM.dump_state`): model and request defaults, never credentials. */
  dumpState(): Record<string, unknown> {
    const { temperature = null, maxTokens = null, ...rest } = this.options;
    const state: Record<string, unknown> = { model: this.model, model_type: this.modelType, temperature, max_tokens: maxTokens };
    for (const [key, value] of Object.entries(rest)) {
      if (!/key|secret|token|headers/i.test(key)) state[toSnakeCase(key)] = value;
    }
    return state;
  }
}

/**
 * Waits only for a receiver that asks to (backpressure); otherwise goes on synchronously, so a
 * whole reply's text and end reach the receiver together. `then` runs next in that case.
 */
function settle(wait: void | Promise<void>, then?: () => void | Promise<void>): void | Promise<void> {
  if (wait instanceof Promise) return then === undefined ? wait : wait.then(then);
  return then?.();
}

function isCachedOutput(value: unknown): value is CachedOutput {
  // Disk entries are untrusted: anything but a list of strings is treated as a miss.
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as CachedOutput).outputs) &&
    (value as CachedOutput).outputs.every((output) => typeof output === 'string')
  );
}

function toSnakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** DSPy's `inspect_history` layout: a timestamp header, each message by role, then the response. */
/** A message with secrets scrubbed from its text and from its parts' text and URLs. */
function scrubMessage(message: ChatMessage, secrets: readonly string[]): ChatMessage {
  const scrubbed: ChatMessage = { ...message, content: scrubText(message.content, secrets) };
  if (message.parts !== undefined) {
    scrubbed.parts = message.parts.map((part) =>
      part.type === 'text'
        ? { ...part, text: scrubText(part.text, secrets) }
        : { ...part, image_url: { ...part.image_url, url: scrubText(part.image_url.url, secrets) } },
    );
  }
  return scrubbed;
}

export function renderHistory(entries: readonly LMHistoryEntry[]): string {
  let text = '';
  for (const entry of entries) {
    text += `\n\n\n[${entry.timestamp}]\n\n`;
    for (const message of entry.messages) text += `${message.role[0].toUpperCase()}${message.role.slice(1)} message:\n\n${message.content}\n\n`;
    text += 'Response:\n\n';
    entry.outputs.forEach((output, index) => {
      text += entry.outputs.length > 1 ? `Response ${index + 1}:\n\n${output}\n\n` : `${output}\n\n`;
    });
  }
  return `${text}\n`;
}
