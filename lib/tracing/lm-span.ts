import { SpanKind, type Attributes } from '@opentelemetry/api';
import type { BaseLM, LMCallOptions, LMOutput } from '../lm/base-lm';
import type { SpanPlan } from './run-in-span';

/**
 * The span of one LM call, after the OpenTelemetry GenAI semantic conventions for inference
 * (`chat {model}`, kind CLIENT, `gen_ai.*` attributes). `gen_ai.system` is the older name of
 * `gen_ai.provider.name`, still read by many backends, so both are set.
 */
export function lmSpanPlan(lm: BaseLM, inputs: Readonly<Record<string, unknown>>): SpanPlan<Promise<LMOutput>> {
  const { provider, model } = providerAndModel(lm);
  return {
    name: `chat ${model}`,
    kind: SpanKind.CLIENT,
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': provider, 'gen_ai.system': provider, 'gen_ai.request.model': model },
    detail: () => requestAttributes({ ...lm.options, ...(inputs.options as LMCallOptions | undefined) }),
    onSuccess: (span, output) => span.setAttributes(responseAttributes(output)),
  };
}

/** `openai/gpt-4o-mini` → `openai` and `gpt-4o-mini`; a model without a prefix is OpenAI's for `LM` (as `LM` resolves it), of an unknown provider otherwise. */
function providerAndModel(lm: BaseLM): { provider: string; model: string } {
  const slash = lm.model.indexOf('/');
  if (slash > 0) return { provider: lm.model.slice(0, slash), model: lm.model.slice(slash + 1) };
  return { provider: isOpenAICompatibleClient(lm) ? 'openai' : 'unknown', model: lm.model };
}

/** An instance of dspex's `LM` (or a subclass): checked by class name, as `tracing` may not import `lm`. */
function isOpenAICompatibleClient(lm: object): boolean {
  for (let proto = Object.getPrototypeOf(lm) as object | null; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === 'LM') return true;
  }
  return false;
}

function requestAttributes(options: LMCallOptions): Attributes {
  const attributes: Attributes = {};
  const numbers: [string, unknown][] = [
    ['gen_ai.request.temperature', options.temperature],
    ['gen_ai.request.max_tokens', options.maxTokens ?? options.max_tokens],
    ['gen_ai.request.top_p', options.topP ?? options.top_p],
    ['gen_ai.request.frequency_penalty', options.frequencyPenalty ?? options.frequency_penalty],
    ['gen_ai.request.presence_penalty', options.presencePenalty ?? options.presence_penalty],
    ['gen_ai.request.seed', options.seed],
  ];
  for (const [name, value] of numbers) if (typeof value === 'number') attributes[name] = value;
  // The conventions set the choice count only when it is not 1.
  if (typeof options.n === 'number' && options.n !== 1) attributes['gen_ai.request.choice.count'] = options.n;
  if (typeof options.stop === 'string') attributes['gen_ai.request.stop_sequences'] = [options.stop];
  else if (Array.isArray(options.stop)) attributes['gen_ai.request.stop_sequences'] = options.stop.filter((stop) => typeof stop === 'string');
  if (options.responseFormat !== undefined) attributes['gen_ai.output.type'] = 'json';
  return attributes;
}

function responseAttributes(output: LMOutput): Attributes {
  const attributes: Attributes = { 'dspex.lm.cache_hit': output.cacheHit === true };
  if (typeof output.responseModel === 'string') attributes['gen_ai.response.model'] = output.responseModel;
  const usage = output.usage;
  if (usage !== undefined) {
    attributes['gen_ai.usage.input_tokens'] = usage.promptTokens;
    attributes['gen_ai.usage.output_tokens'] = usage.completionTokens;
    const cost = (usage as { cost?: unknown }).cost;
    if (typeof cost === 'number') attributes['dspex.lm.cost'] = cost;
  }
  const response = output.response as { id?: unknown; choices?: unknown } | null | undefined;
  if (response !== null && typeof response === 'object') {
    if (typeof response.id === 'string') attributes['gen_ai.response.id'] = response.id;
    if (Array.isArray(response.choices)) {
      const reasons = response.choices
        .map((choice: { finish_reason?: unknown } | null) => choice?.finish_reason)
        .filter((reason) => typeof reason === 'string');
      if (reasons.length > 0) attributes['gen_ai.response.finish_reasons'] = reasons;
    }
  }
  return attributes;
}
