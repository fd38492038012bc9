import { Adapter, type AdapterCallRequest } from '../adapters/adapter';
import type { BaseLM } from '../lm/base-lm';
import type { ChatMessage } from '../lm/chat-message';
import type { Signature } from '../signatures/signature';

const HINT_FIELD = 'hint_';
const HINT_DESCRIPTION = 'A hint to the module from an earlier run';
const NO_HINT = 'N/A';

/**
 * Refine's way of handing advice to the next attempt (DSPy's `WrapperAdapter` in
 * `dspy/predict/refine.py`): every predictor call gets an extra input `hint_` holding the advice
 * for that predictor (looked up by its signature), or `N/A`; the wrapped adapter does the rest.
 */
export class HintAdapter extends Adapter {
  readonly #inner: Adapter;
  readonly #hints: ReadonlyMap<Signature, unknown>;

  /** `hints` maps a predictor's signature (by identity) to its advice. */
  constructor(inner: Adapter, hints: ReadonlyMap<Signature, unknown>) {
    super();
    this.#inner = inner;
    this.#hints = hints;
  }

  override format(signature: Signature, demos: AdapterCallRequest['demos'], inputs: Readonly<Record<string, unknown>>): ChatMessage[] {
    return this.#inner.format(signature, demos, inputs);
  }

  override parse(signature: Signature, text: string): Record<string, unknown> {
    return this.#inner.parse(signature, text);
  }

  override formatFieldsBlock(values: Readonly<Record<string, unknown>>): string {
    return this.#inner.formatFieldsBlock(values);
  }

  override async call(lm: BaseLM, request: AdapterCallRequest): Promise<Record<string, unknown>[]> {
    const hint = this.#hints.get(request.signature) ?? NO_HINT;
    const signature = request.signature.append(HINT_FIELD, { kind: 'input', desc: HINT_DESCRIPTION });
    return this.#inner.call(lm, { ...request, signature, inputs: { ...request.inputs, [HINT_FIELD]: hint } });
  }
}
