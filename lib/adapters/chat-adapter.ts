import { DspexError, configurationError } from '../errors';
import type { BaseLM } from '../lm/base-lm';
import { getRootLogger, type Logger } from '../logging/logger';
import { fieldsOfRecord } from '../primitives/example';
import { Signature, type SignatureInput } from '../signatures/signature';
import { formatChatFieldsBlock, formatFieldValue } from './format-field-value';
import type { AdapterCallRequest } from './adapter';
import { JSONAdapter } from './json-adapter';
import { coerceOutputField, completeOutputs, emptyResponseError } from './output-fields';
import { typeInfo } from './output-hint';
import { pythonStrip } from '../util/python-text';
import { ChatSections } from './chat-sections';
import { hasValue, TemplateAdapter } from './template-adapter';
import { LOGGER_RULE, validateOptions } from '../util/validate-options';

/** Options of `ChatAdapter`. */
export interface ChatAdapterOptions {
  /** Retry a failed call once through `JSONAdapter`, as DSPy's `use_json_adapter_fallback` (default true). */
  useJsonAdapterFallback?: boolean;
  logger?: Logger;
}

const CHAT_ADAPTER_RULES = { useJsonAdapterFallback: { kind: 'boolean' }, logger: LOGGER_RULE } as const;

const STRUCTURE_INTRO = 'All interactions will be structured in the following way, with the appropriate values filled in.';
const COMPLETED_MARKER = '[[ ## completed ## ]]';
// Failures of the LM itself are not the prompt format's fault, so they are not retried as JSON (DSPy's `LMError`).
const LM_ERROR_CODES: ReadonlySet<string> = new Set(['LM_HTTP', 'LM_TIMEOUT', 'LM_RESPONSE_INVALID', 'LM_NOT_CONFIGURED']);

function isLMError(error: unknown): boolean {
  return DspexError.is(error) && LM_ERROR_CODES.has(error.code);
}

/**
 * The error a failed call and its failed JSON retry reject with: the ChatAdapter's own reason
 * first (the format the user chose; a free-text reply is not "a bad JSON object"), the JSON
 * attempt as its `cause`. An LM failure on the retry is the news, so it is thrown as it is.
 */
function chatFailureWithRetry(chatError: unknown, jsonError: unknown): unknown {
  if (isLMError(jsonError) || !(chatError instanceof Error)) return jsonError;
  // Nothing is lost: the chat error's own cause moves behind the JSON attempt.
  if (jsonError instanceof Error && jsonError.cause === undefined && chatError.cause !== undefined) {
    Object.defineProperty(jsonError, 'cause', { value: chatError.cause, configurable: true, writable: true });
  }
  Object.defineProperty(chatError, 'cause', { value: jsonError, configurable: true, writable: true });
  chatError.message = `${chatError.message} A retry through JSONAdapter also failed (see cause).`;
  return chatError;
}

/**
 * DSPy's default adapter: fields in `[[ ## name ## ]]` sections, replies ending with
 * `[[ ## completed ## ]]`. When a whole call fails for any reason but the LM's own errors, it is
 * run once more through `JSONAdapter` (a second LM call); `parse` itself never falls back.
 * @example
 * const adapter = new ChatAdapter();
 * const messages = adapter.format('question -> answer', [], { question: 'What is 2+2?' });
 * adapter.parse('question -> answer', '[[ ## answer ## ]]\n4'); // { answer: '4' }
 */
export class ChatAdapter extends TemplateAdapter {
  readonly useJsonAdapterFallback: boolean;
  readonly #parentLogger: Logger | undefined;
  #log: Logger | undefined;

  /** @throws {ConfigurationError} CONFIGURATION_INVALID for an unknown option or a wrong value. */
  constructor(options: ChatAdapterOptions = {}) {
    super();
    const known = validateOptions(`new ${new.target.name}()`, options, CHAT_ADAPTER_RULES, { error: configurationError }).known as ChatAdapterOptions;
    this.useJsonAdapterFallback = known.useJsonAdapterFallback ?? true;
    this.#parentLogger = known.logger;
  }

  // Created on first use: Predict may build an adapter per call, and most calls never log.
  private get log(): Logger {
    this.#log ??= (this.#parentLogger ?? getRootLogger()).child({ component: 'adapter', adapter: 'ChatAdapter' });
    return this.#log;
  }

  protected override fieldStructure(signature: Signature): string {
    const parts = [STRUCTURE_INTRO, this.placeholderBlocks(signature.inputFields), this.placeholderBlocks(signature.outputFields), `${COMPLETED_MARKER}\n`];
    return pythonStrip(parts.join('\n\n'));
  }

  protected override outputRequirements(signature: Signature): string {
    const fields = signature.outputFields.map((field) => `\`[[ ## ${field.name} ## ]]\`${typeInfo(field)}`).join(', then ');
    return `Respond with the corresponding output fields, starting with the field ${fields}, and then ending with the marker for \`${COMPLETED_MARKER}\`.`;
  }

  protected override assistantMessage(signature: Signature, values: Readonly<Record<string, unknown>>, missingText: string): string {
    const blocks = signature.outputFields.map((field) => {
      const value = hasValue(values, field.name) ? formatFieldValue(values[field.name], field.type) : missingText;
      return `[[ ## ${field.name} ## ]]\n${value}`;
    });
    return `${pythonStrip(blocks.join('\n\n'))}\n\n${COMPLETED_MARKER}\n`;
  }

  /** `[[ ## name ## ]]\nVALUE` blocks joined by blank lines, without the completed marker (DummyLM's replies). */
  override formatFieldsBlock(values: Readonly<Record<string, unknown>>): string {
    return formatChatFieldsBlock(fieldsOfRecord(values));
  }

  /**
   * Reads `[[ ## name ## ]]` sections: the first section of each output field wins, other
   * sections are ignored, and `[[ ## completed ## ]]` is optional. Missing `Optional` outputs are null.
   * @throws {AdapterParseError} ADAPTER_PARSE naming missing fields or a value that does not fit its type.
   * @throws {OutputValidationError} OUTPUT_INVALID when a class-typed value breaks its constraints.
   */
  override parse(signature: SignatureInput, text: string): Record<string, unknown> {
    const resolved = Signature.from(signature);
    if (typeof text !== 'string') throw emptyResponseError('ChatAdapter', resolved, text);
    const outputs = this.layoutOf(resolved).outputsByName;
    const parsed = new Map<string, unknown>();
    const sections = new ChatSections(text);
    // Once every output has its first section, later sections can only be ignored: stop reading.
    while (parsed.size < outputs.size && sections.next()) {
      const field = outputs.get(sections.name);
      if (field !== undefined && !parsed.has(sections.name)) parsed.set(sections.name, coerceOutputField('ChatAdapter', field, sections.content(), text));
    }
    return completeOutputs('ChatAdapter', resolved, parsed, text);
  }

  /**
   * Runs the call; if it fails with anything but an LM error or the caller's abort, runs it once
   * more through a fresh `JSONAdapter` and returns its result. When that fails too, the ChatAdapter
   * error is thrown with the JSON attempt's error as its `cause` (an LM error on the retry is thrown as it is).
   */
  override async call(lm: BaseLM, request: AdapterCallRequest): Promise<Record<string, unknown>[]> {
    try {
      return await super.call(lm, request);
    } catch (error) {
      const signal = request.options.signal;
      if (signal?.aborted) throw signal.reason;
      if (!this.useJsonAdapterFallback || isLMError(error)) throw error;
      this.log.debug({ err: error }, 'chat adapter call failed; retrying with json adapter');
      try {
        return await new JSONAdapter({ logger: this.#parentLogger }).call(lm, request);
      } catch (jsonError) {
        if (signal?.aborted) throw signal.reason;
        throw chatFailureWithRetry(error, jsonError);
      }
    }
  }
}
