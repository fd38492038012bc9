import { ConfigurationError, describeProblem, describeValue } from '../errors';
import { formatChatFieldsBlock } from '../adapters/format-field-value';
import { pythonJsonDumps } from '../util/python-format';
import { BaseLM, type BaseLMOptions, type LMCallOptions, type LMOutput } from './base-lm';
import type { ChatMessage } from './chat-message';
import type { LMStreamItem } from './lm-stream-item';

/** One scripted reply: raw text, or an object of output fields rendered in the adapter's format. */
export type DummyAnswer = string | Readonly<Record<string, unknown>>;

/** Computes a reply from the messages (and options) of a request. */
export type DummyAnswerFunction = (messages: readonly ChatMessage[], options: LMCallOptions) => DummyAnswer | Promise<DummyAnswer>;

/** Options of `DummyLM`. */
export interface DummyLMOptions extends BaseLMOptions {
  /** Reply with the matching demo's answer when the request's input appears in a demo (DSPy's `follow_examples`). */
  followExamples?: boolean;
  /** Renders object answers (default: ChatAdapter's `[[ ## field ## ]]` blocks; JSON when the request asks for JSON). */
  adapter?: { formatFieldsBlock(values: Readonly<Record<string, unknown>>): string };
  /**
   * Characters per piece when a reply is streamed (`streamify`); without it a reply streams as one piece.
   * @example new DummyLM([{ answer: 'Paris' }], { streamChunkSize: 4 })
   */
  streamChunkSize?: number;
}

const FIELD_MARKER = /^\[\[ ## (\w+) ## \]\]/;

interface Script {
  readonly answers: readonly DummyAnswer[] | Readonly<Record<string, DummyAnswer>> | DummyAnswerFunction;
  cursor: number;
}

/**
 * A scripted LM for tests and offline demos (DSPy's `DummyLM`). `answers` is a list of replies used
 * in order (each text or an object of output fields), an object whose first key found in the last
 * message selects the reply, or a function of the messages. Records history like a real LM.
 * @example
 * configure({ lm: new DummyLM([{ answer: 'Paris' }]) });
 */
export class DummyLM extends BaseLM {
  readonly followExamples: boolean;
  #script: Script;
  readonly #adapter: DummyLMOptions['adapter'];
  readonly #streamChunkSize: number | undefined;

  constructor(answers: readonly DummyAnswer[] | Readonly<Record<string, DummyAnswer>> | DummyAnswerFunction, options: DummyLMOptions = {}) {
    const { followExamples, adapter, streamChunkSize, ...lmOptions } = options;
    super('dummy', { cache: false, ...lmOptions });
    const isValid = Array.isArray(answers) || typeof answers === 'function' || (answers !== null && typeof answers === 'object');
    if (!isValid) {
      throw new ConfigurationError(
        describeProblem('DummyLM takes a list of answers, an object of answers, or a function.', describeValue(answers), "Pass e.g. [{ answer: 'Paris' }]."),
      );
    }
    if (options.adapter !== undefined && typeof options.adapter?.formatFieldsBlock !== 'function') {
      throw new ConfigurationError(
        describeProblem('DummyLM adapter must have formatFieldsBlock().', describeValue(options.adapter), 'Pass new ChatAdapter() or new JSONAdapter().'),
      );
    }
    if (streamChunkSize !== undefined && !(Number.isInteger(streamChunkSize) && streamChunkSize >= 1)) {
      throw new ConfigurationError(
        describeProblem('DummyLM option streamChunkSize must be a whole number ≥ 1.', describeValue(streamChunkSize), 'Pass e.g. { streamChunkSize: 4 }.'),
        { details: { option: 'streamChunkSize' } },
      );
    }
    this.followExamples = followExamples === true;
    this.#adapter = adapter;
    this.#streamChunkSize = streamChunkSize;
    this.#script = { answers, cursor: 0 };
  }

  async forward(messages: readonly ChatMessage[], options: LMCallOptions): Promise<LMOutput> {
    const count = typeof options.n === 'number' && options.n > 1 ? options.n : 1;
    const outputs: string[] = [];
    for (let index = 0; index < count; index += 1) {
      options.signal?.throwIfAborted();
      const followed = this.followExamples ? followExample(messages) : undefined;
      outputs.push(followed ?? this.#render(await this.#nextAnswer(messages, options), options));
    }
    return { outputs, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } };
  }

  /** Streams the next reply in pieces of `streamChunkSize` characters (never splitting a surrogate pair), then zero usage. */
  override async *stream(messages: readonly ChatMessage[], options: LMCallOptions): AsyncGenerator<LMStreamItem, void, undefined> {
    const { outputs, usage } = await this.forward(messages, { ...options, n: 1 });
    const text = outputs[0];
    const size = this.#streamChunkSize ?? Math.max(text.length, 1);
    for (let start = 0; start < text.length;) {
      let end = Math.min(start + size, text.length);
      // A high surrogate at the cut goes with its low half.
      if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end += end - start > 1 ? -1 : 1;
      options.signal?.throwIfAborted();
      yield text.slice(start, end);
      start = end;
    }
    yield { usage };
  }

  /** A copy with some default options replaced, sharing the same script position (rollouts continue the sequence). */
  copy(overrides: Partial<BaseLMOptions> = {}): DummyLM {
    const options = { ...this.options, ...overrides, followExamples: this.followExamples, adapter: this.#adapter, streamChunkSize: this.#streamChunkSize };
    const copy = new DummyLM([], options);
    copy.#script = this.#script;
    return copy;
  }

  /** Marked as DSPy's DummyLM class, so a saved program never rebuilds it as a real LM on load. */
  override dumpState(): Record<string, unknown> {
    return { _dspy_lm_class: 'dspy.utils.dummies.DummyLM', ...super.dumpState() };
  }

  #render(answer: DummyAnswer, options: LMCallOptions): string {
    if (typeof answer === 'string') return answer;
    if (this.#adapter !== undefined) return this.#adapter.formatFieldsBlock(answer);
    return options.responseFormat !== undefined ? pythonJsonDumps(answer, 2) : formatChatFieldsBlock(answer);
  }

  async #nextAnswer(messages: readonly ChatMessage[], options: LMCallOptions): Promise<DummyAnswer> {
    const { answers } = this.#script;
    if (typeof answers === 'function') return answers(messages, options);
    if (Array.isArray(answers)) {
      const answer = answers[this.#script.cursor];
      if (answer === undefined) return { answer: 'No more responses' };
      this.#script.cursor += 1;
      return answer;
    }
    const last = messages[messages.length - 1]?.content ?? '';
    for (const [key, answer] of Object.entries(answers as Record<string, DummyAnswer>)) if (last.includes(key)) return answer;
    return 'No more responses';
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * DSPy's `follow_examples`: the output markers that appear in fewer messages than the most
 * common one are the outputs; reply with the latest assistant demo whose user turn contains the
 * first paragraph of the final message.
 */
function followExample(messages: readonly ChatMessage[]): string | undefined {
  const counts = new Map<string, number>();
  for (const message of messages) {
    const match = FIELD_MARKER.exec(message.content);
    if (match) counts.set(match[0], (counts.get(match[0]) ?? 0) + 1);
  }
  if (counts.size === 0) return undefined;
  const most = Math.max(...counts.values());
  const outputMarkers = [...counts].filter(([, count]) => count !== most).map(([marker]) => marker);
  const finalInput = messages[messages.length - 1].content.split('\n\n')[0];
  for (let index = messages.length - 1; index >= 1; index -= 1) {
    const output = messages[index];
    const input = messages[index - 1];
    if (outputMarkers.some((marker) => output.content.includes(marker)) && input.content.includes(finalInput)) return output.content;
  }
  return undefined;
}
