import { SpanKind, type Attributes, type Tracer } from '@opentelemetry/api';
import type { BaseLM } from '../lm/base-lm';
import type { CallbackKind } from '../settings/callback';
import { lmSpanPlan } from './lm-span';
import { runInSpan, type SpanPlan } from './run-in-span';

/**
 * Runs one observed call (a kind of the callback hooks) inside its span: `{Module}.forward`,
 * `chat {model}` for an LM, `{Adapter}.format` / `{Adapter}.parse`, `execute_tool {name}`, and
 * `evaluate {Program}`. Attributes are listed in docs/concepts/tracing.md.
 */
export function traceCall<T>(tracer: Tracer, kind: CallbackKind, instance: object, inputs: Readonly<Record<string, unknown>>, run: () => T): T {
  return runInSpan(tracer, planOf(kind, instance, inputs) as SpanPlan<T>, run);
}

function planOf(kind: CallbackKind, instance: object, inputs: Readonly<Record<string, unknown>>): SpanPlan<unknown> {
  const className = instance.constructor.name;
  switch (kind) {
    case 'Lm':
      return lmSpanPlan(instance as BaseLM, inputs) as SpanPlan<unknown>;
    case 'Module':
      return { name: `${className}.forward`, attributes: { 'dspex.module.name': className }, detail: () => signatureOf(instance) };
    case 'AdapterFormat':
    case 'AdapterParse':
      return {
        name: `${className}.${kind === 'AdapterFormat' ? 'format' : 'parse'}`,
        attributes: { 'dspex.adapter.name': className },
        detail: () => signatureOf(inputs),
      };
    case 'Tool':
      return toolPlan(instance as { name?: unknown; description?: unknown });
    case 'Evaluate': {
      const program = (inputs.program as object | undefined)?.constructor.name ?? 'program';
      return {
        name: `evaluate ${program}`,
        attributes: { 'dspex.module.name': program },
        onSuccess: (span, result) => {
          const score = (result as { score?: unknown } | null)?.score;
          if (typeof score === 'number') span.setAttribute('dspex.evaluate.score', score);
        },
      };
    }
  }
}

/** The GenAI conventions' tool execution span. */
function toolPlan(tool: { name?: unknown; description?: unknown }): SpanPlan<unknown> {
  const name = typeof tool.name === 'string' ? tool.name : 'tool';
  const attributes: Attributes = { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name, 'gen_ai.tool.type': 'function' };
  if (typeof tool.description === 'string') attributes['gen_ai.tool.description'] = tool.description;
  return { name: `execute_tool ${name}`, kind: SpanKind.INTERNAL, attributes };
}

/** `dspex.signature`: the signature of a predictor (or of an adapter step's request), as `question -> answer`. */
function signatureOf(holder: object): Attributes {
  const signature = (holder as { signature?: unknown }).signature;
  if (signature === null || typeof signature !== 'object' || signature.toString === Object.prototype.toString) return {};
  return { 'dspex.signature': String(signature) };
}
