import { AsyncLocalStorage } from 'node:async_hooks';
import { ChatAdapter } from '../adapters/chat-adapter';
import { JSONAdapter } from '../adapters/json-adapter';
import { XMLAdapter } from '../adapters/xml-adapter';
import type { Adapter } from '../adapters/adapter';
import { configurationError } from '../errors';
import { runWithStreamSink, type StreamSink } from '../lm/stream-sink';
import { getRootLogger, type Logger } from '../logging/logger';
import type { Module } from '../primitives/module';
import type { Prediction } from '../primitives/prediction';
import { context, currentSettings } from '../settings/settings';
import { currentCallScope } from '../util/call-scope';
import { validateOptions, type OptionRules } from '../util/validate-options';
import { ChatFieldParser } from './chat-field-parser';
import type { FieldEmitter, FieldStreamParser } from './field-stream-parser';
import { JsonFieldParser } from './json-field-parser';
import { statusCallback } from './status-callback';
import { StatusMessage, StatusMessageProvider } from './status-message';
import { StreamChunk } from './stream-chunk';
import { StreamListener } from './stream-listener';
import { StreamQueue } from './stream-queue';
import { streamRoutes } from './stream-routes';
import { XmlFieldParser } from './xml-field-parser';

/** Options of `streamify(program, options)`. */
export interface StreamifyOptions {
  /** The fields to stream (DSPy's `stream_listeners`); without listeners every output field of every predictor streams. */
  listeners?: readonly StreamListener[];
  /** Which status messages to send; default: tool calls only, as DSPy. */
  statusMessageProvider?: StatusMessageProvider;
  /**
   * End the stream with the `Prediction`. When `false` it is still sent if no field streamed (a
   * program that made no streamable call).
   * @default true
   */
  includeFinalPredictionInOutputStream?: boolean;
}

/** Per-call options of a streamified program. */
export interface StreamCallOptions {
  signal?: AbortSignal;
}

/** What a streamified program yields: field pieces and status messages as they come, then the program's result. */
export type StreamItem<R = Prediction> = StreamChunk | StatusMessage | R;

/** A program's `forward` as a stream. */
export type StreamingProgram<P extends Module> = (
  inputs: Parameters<P['forward']>[0],
  options?: StreamCallOptions,
) => AsyncGenerator<StreamItem<Awaited<ReturnType<P['forward']>>>, void, undefined>;

/** Unread items the program may get ahead of its reader before its LM stream waits. */
const QUEUE_CAPACITY = 16;

const RULES: OptionRules = {
  listeners: {
    kind: 'custom',
    check: (value) =>
      Array.isArray(value) && value.every((listener) => listener instanceof StreamListener)
        ? undefined
        : "an array of StreamListener, e.g. [new StreamListener({ field: 'answer' })]",
  },
  statusMessageProvider: {
    kind: 'custom',
    check: (value) => (value instanceof StatusMessageProvider ? undefined : 'a StatusMessageProvider (subclass it to change the messages)'),
  },
  includeFinalPredictionInOutputStream: { kind: 'boolean' },
};

let log: Logger | undefined;

/**
 * Wraps a program so that a call streams its output fields while the LM writes them (DSPy's
 * `dspy.streamify`). The call returns an async iterable of `StreamChunk`s (a piece of one field of
 * one predictor, without the adapter's markers), `StatusMessage`s (tool calls, by default), and
 * finally the `Prediction`. LMs stream through `BaseLM.stream` (`LM` over server-sent events,
 * `DummyLM` in `streamChunkSize` pieces); an LM without it, or a cached reply, arrives as one piece.
 * Leaving the loop early or aborting `signal` cancels the program and closes the LM's connection.
 * @throws {ConfigurationError} CONFIGURATION_INVALID for a program that is not a module, an invalid option, or a listener whose field or predictor the program lacks.
 * @example
 * const stream = streamify(new Predict('question -> answer'));
 * for await (const item of stream({ question: 'Why is the sky blue?' })) {
 *   if (item instanceof StreamChunk) process.stdout.write(item.chunk);
 * }
 */
export function streamify<P extends Module>(program: P, options: StreamifyOptions = {}): StreamingProgram<P> {
  if (typeof (program as Partial<Module> | null)?.forward !== 'function' || typeof (program as Partial<Module>).namedPredictors !== 'function') {
    throw configurationError('streamify takes a module (a Module subclass or a Predict) as its first argument.', {
      option: 'program',
      received: typeof program,
    });
  }
  validateOptions('streamify', options, RULES, { error: configurationError });
  const listeners = [...(options.listeners ?? [])];
  // Checked now, as DSPy does, so a wrong field name fails here rather than on the first call.
  streamRoutes(program, listeners);
  const provider = options.statusMessageProvider ?? new StatusMessageProvider();
  const includeFinal = options.includeFinalPredictionInOutputStream !== false;
  return (inputs, callOptions = {}) => {
    // The loop may be read outside the caller's context({ lm }, …); the program runs in the context of the call.
    const inCallerContext = AsyncLocalStorage.snapshot();
    return run(program, inputs, callOptions, { listeners, provider, includeFinal, inCallerContext }) as never;
  };
}

interface RunConfig {
  readonly listeners: readonly StreamListener[];
  readonly provider: StatusMessageProvider;
  readonly includeFinal: boolean;
  readonly inCallerContext: <R>(fn: () => R) => R;
}

async function* run(program: Module, inputs: unknown, callOptions: StreamCallOptions, config: RunConfig): AsyncGenerator<StreamItem, void, undefined> {
  const callerSignal = callOptions.signal;
  callerSignal?.throwIfAborted();
  const routes = streamRoutes(program, config.listeners);
  const queue = new StreamQueue<StreamChunk | StatusMessage>(QUEUE_CAPACITY);
  const stop = new AbortController();
  const signal = callerSignal === undefined ? stop.signal : AbortSignal.any([callerSignal, stop.signal]);
  let streamed = false;
  const sink: StreamSink = (_lm, _messages, lmOptions) => {
    const predictor = currentCallScope()?.module;
    const route = predictor === undefined ? undefined : routes.get(predictor);
    const fields = route?.fieldsToStream();
    if (route === undefined || fields === undefined || fields.size === 0) return undefined;
    const emit: FieldEmitter = (field, text, isLast) => {
      streamed = true;
      if (isLast) route.ended(field);
      const previous = queue.lastUnread();
      // An empty last piece folds into the field's unread piece before it (a whole reply, or a reader behind).
      if (isLast && text === '' && previous instanceof StreamChunk && previous.predictor === route.name && previous.field === field && !previous.isLast) {
        queue.replaceLastUnread(new StreamChunk(route.name, field, previous.chunk, true));
        return;
      }
      queue.push(new StreamChunk(route.name, field, text, isLast));
    };
    const parser = parserFor(lmOptions, currentSettings().adapter, fields, emit);
    if (parser === undefined) return undefined;
    return {
      text: (piece) => {
        parser.push(piece);
        return queue.room();
      },
      end: () => {
        parser.finish();
        return queue.room();
      },
    };
  };
  let prediction: unknown = undefined;
  const running = config
    .inCallerContext(() => {
      const callbacks = [...(currentSettings().callbacks ?? []), statusCallback(config.provider, (message) => queue.push(message))];
      return context({ callbacks }, () => runWithStreamSink(sink, () => program.forward(inputs as never, { signal })));
    })
    .then(
      (result) => {
        prediction = result;
        queue.close();
      },
      (error: unknown) => queue.fail(error),
    );
  let finished = false;
  try {
    for (let next = await queue.take(); next.done !== true; next = await queue.take()) yield next.value;
    finished = true;
  } finally {
    if (!finished) {
      // The reader left (or the program failed): stop the program, which closes its LM connection.
      stop.abort(new DOMException('The stream was closed by its reader.', 'AbortError'));
      queue.cancel();
    }
    await running;
  }
  if (config.includeFinal || !streamed || config.listeners.length === 0) yield prediction as Prediction;
}

/** The parser for the reply format of this call: JSON when the call asks for it (JSONAdapter, or ChatAdapter's JSON retry), else the adapter's. */
function parserFor(
  lmOptions: Readonly<Record<string, unknown>>,
  adapter: Adapter | undefined,
  fields: ReadonlySet<string>,
  emit: FieldEmitter,
): FieldStreamParser | undefined {
  if (lmOptions.responseFormat != null || adapter instanceof JSONAdapter) return new JsonFieldParser(fields, emit);
  // XMLAdapter is a ChatAdapter subclass, so it is asked first.
  if (adapter instanceof XMLAdapter) return new XmlFieldParser(fields, emit);
  if (adapter === undefined || adapter instanceof ChatAdapter) return new ChatFieldParser(fields, emit);
  log ??= getRootLogger().child({ component: 'streamify' });
  log.warn({ adapter: adapter.constructor.name }, 'adapter has no stream parser; its fields arrive with the prediction only');
  return undefined;
}
