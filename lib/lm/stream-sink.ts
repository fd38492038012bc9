import { AsyncLocalStorage } from 'node:async_hooks';
import type { ChatMessage } from './chat-message';

/** Where one streamed LM call's text goes, piece by piece; a returned promise holds the LM back (backpressure). */
export interface StreamReceiver {
  text(piece: string): void | Promise<void>;
  /** The reply is complete (not called when the call fails). */
  end(): void | Promise<void>;
}

/**
 * Decides, for an LM call about to be made, whether its reply is streamed and where to: a
 * receiver, or `undefined` to make the call as usual. `streamify` installs one around a program.
 */
export type StreamSink = (lm: object, messages: readonly ChatMessage[], options: Readonly<Record<string, unknown>>) => StreamReceiver | undefined;

const storage = new AsyncLocalStorage<StreamSink>();

/** Runs `fn` so that LM calls it awaits offer their replies to `sink` (`BaseLM.call` asks it). */
export function runWithStreamSink<T>(sink: StreamSink, fn: () => T): T {
  return storage.run(sink, fn);
}

/** The stream sink in force here, if any. */
export function currentStreamSink(): StreamSink | undefined {
  return storage.getStore();
}
