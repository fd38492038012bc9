import type { ChatMessage } from '../lm/chat-message';
import { Example, fieldsOfRecord } from '../primitives/example';
import type { Field } from '../signatures/field';
import { Signature, type SignatureInput } from '../signatures/signature';
import { formatFieldValue } from './format-field-value';
import { Adapter, type AdapterCallRequest } from './adapter';
import { fieldDescriptions, taskDescription } from './field-descriptions';
import { fieldPlaceholder } from './output-hint';
import { pythonStrip } from '../util/python-text';
import { withImageParts } from './types/image-parts';

/** What ChatAdapter and JSONAdapter know about a signature; built once per (adapter class, signature). */
export interface SignatureLayout {
  readonly system: ChatMessage;
  readonly requirements: string;
  readonly outputsByName: ReadonlyMap<string, Field>;
  /** Formatted demo turns, per immutable demo object (Example or frozen object). */
  readonly demos: WeakMap<object, DemoTurns>;
}

/** One demo's place in the prompt: complete, incomplete-but-kept, or dropped, and its two messages. */
interface DemoTurns {
  readonly kind: 'complete' | 'incomplete' | 'dropped';
  readonly messages: readonly ChatMessage[];
}

const INCOMPLETE_DEMO_PREFIX = 'This is an example of the task, though some input or output fields are not supplied.';
const MISSING_IN_INCOMPLETE_DEMO = 'Not supplied for this particular example. ';
const MISSING_IN_COMPLETE_DEMO = 'Not supplied for this conversation history message. ';
const DROPPED: DemoTurns = Object.freeze({ kind: 'dropped', messages: Object.freeze([]) });

// Signatures are immutable, so everything derived from one is cached, per adapter class (a
// subclass may word its prompts differently) and weakly (signatures come and go).
const layoutsByAdapterClass = new WeakMap<Function, WeakMap<Signature, SignatureLayout>>();

/** A field's value is given: the key is there and the value is not `undefined` (DSPy's `k in demo`). */
export function hasValue(record: Readonly<Record<string, unknown>>, key: string): boolean {
  return Object.hasOwn(record, key) && record[key] !== undefined;
}

function message(role: ChatMessage['role'], content: string): ChatMessage {
  return Object.freeze({ role, content });
}

/**
 * The message layout ChatAdapter and JSONAdapter share (DSPy's `Adapter.format`, `format_demos`
 * and `ChatAdapter.format_user_message_content`): a system message of field descriptions, field
 * structure and task; demo turns, incomplete ones first; then the request. Subclasses word the
 * field structure, the output requirements and the assistant turns.
 */
export abstract class TemplateAdapter extends Adapter {
  readonly #layouts: WeakMap<Signature, SignatureLayout>;

  constructor() {
    super();
    let layouts = layoutsByAdapterClass.get(new.target);
    if (layouts === undefined) {
      layouts = new WeakMap();
      layoutsByAdapterClass.set(new.target, layouts);
    }
    this.#layouts = layouts;
  }

  /** The middle part of the system message: how inputs and outputs are laid out. */
  protected abstract fieldStructure(signature: Signature): string;

  /** The line closing the request message that restates the expected output format. */
  protected abstract outputRequirements(signature: Signature): string;

  /** A demo's outputs as the assistant would have written them; `missingText` stands in for absent outputs. */
  protected abstract assistantMessage(signature: Signature, values: Readonly<Record<string, unknown>>, missingText: string): string;

  /** `[[ ## name ## ]]\n{name}` blocks (with output hints), as the system message shows each field. */
  protected placeholderBlocks(fields: readonly Field[]): string {
    return pythonStrip(fields.map((field) => `[[ ## ${field.name} ## ]]\n${fieldPlaceholder(field)}`).join('\n\n'));
  }

  /** The cached layout of `signature` for this adapter class. */
  protected layoutOf(signature: Signature): SignatureLayout {
    let layout = this.#layouts.get(signature);
    if (layout === undefined) {
      layout = {
        system: message('system', `${fieldDescriptions(signature)}\n${this.fieldStructure(signature)}\n${taskDescription(signature)}`),
        requirements: this.outputRequirements(signature),
        outputsByName: new Map(signature.outputFields.map((field) => [field.name, field])),
        demos: new WeakMap(),
      };
      this.#layouts.set(signature, layout);
    }
    return layout;
  }

  /**
   * The messages DSPy sends for this signature, demos and inputs: exactly, character for character.
   * @example
   * new ChatAdapter().format('question -> answer', [], { question: 'What is 2+2?' });
   */
  override format(signature: SignatureInput, demos: AdapterCallRequest['demos'], inputs: Readonly<Record<string, unknown>>): ChatMessage[] {
    const resolved = Signature.from(signature);
    const layout = this.layoutOf(resolved);
    const messages: ChatMessage[] = [layout.system];
    if (demos.length > 0) this.pushDemoTurns(messages, resolved, layout, demos);
    const content = this.userMessage(resolved, fieldsOfRecord(inputs), '', layout.requirements);
    if (content !== '') messages.push({ role: 'user', content });
    // Image inputs (in this call or in demos) become content parts, as DSPy splits its messages.
    return withImageParts(messages, [inputs, demos]);
  }

  /** DSPy's `format_user_message_content`: the prefix, each given input as a block, then the requirements line. */
  protected userMessage(signature: Signature, values: Readonly<Record<string, unknown>>, prefix: string, requirements?: string): string {
    // Leaving out DSPy's empty prefix/suffix parts changes nothing once the whole text is stripped.
    let text = prefix;
    for (const field of signature.inputFields) {
      if (!hasValue(values, field.name)) continue;
      const block = `[[ ## ${field.name} ## ]]\n${formatFieldValue(values[field.name], field.type)}`;
      text = text === '' ? block : `${text}\n\n${block}`;
    }
    if (requirements !== undefined) text = text === '' ? requirements : `${text}\n\n${requirements}`;
    return pythonStrip(text);
  }

  private pushDemoTurns(messages: ChatMessage[], signature: Signature, layout: SignatureLayout, demos: AdapterCallRequest['demos']): void {
    const turns = demos.map((demo) => this.demoTurns(signature, layout, demo));
    for (const turn of turns) if (turn.kind === 'incomplete') messages.push(...turn.messages);
    for (const turn of turns) if (turn.kind === 'complete') messages.push(...turn.messages);
  }

  private demoTurns(signature: Signature, layout: SignatureLayout, demo: AdapterCallRequest['demos'][number]): DemoTurns {
    // Only immutable demos are cached: a plain object may be edited between calls.
    const isCacheable = demo instanceof Example || Object.isFrozen(demo);
    let turns = isCacheable ? layout.demos.get(demo) : undefined;
    if (turns === undefined) {
      turns = this.buildDemoTurns(signature, fieldsOfRecord(demo));
      if (isCacheable) layout.demos.set(demo, turns);
    }
    return turns;
  }

  private buildDemoTurns(signature: Signature, record: Readonly<Record<string, unknown>>): DemoTurns {
    const isComplete = signature.fields.every((field) => hasValue(record, field.name) && record[field.name] !== null);
    if (isComplete) {
      return Object.freeze({
        kind: 'complete',
        messages: Object.freeze([
          message('user', this.userMessage(signature, record, '')),
          message('assistant', this.assistantMessage(signature, record, MISSING_IN_COMPLETE_DEMO)),
        ]),
      });
    }
    const hasInput = signature.inputFields.some((field) => hasValue(record, field.name));
    const hasOutput = signature.outputFields.some((field) => hasValue(record, field.name));
    if (!hasInput || !hasOutput) return DROPPED;
    return Object.freeze({
      kind: 'incomplete',
      messages: Object.freeze([
        message('user', this.userMessage(signature, record, INCOMPLETE_DEMO_PREFIX)),
        message('assistant', this.assistantMessage(signature, record, MISSING_IN_INCOMPLETE_DEMO)),
      ]),
    });
  }
}
