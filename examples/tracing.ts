import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ChainOfThought, DummyLM, configure } from 'dspex';

/** Prints finished spans as a tree, children under their parent. */
function printTree(spans: readonly ReadableSpan[]): void {
  const print = (span: ReadableSpan, depth: number): void => {
    const attributes = Object.entries(span.attributes).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
    console.log(`${'  '.repeat(depth)}${span.name}  ${attributes.join(' ')}`);
    // Finished spans come in the order they ended: a parent after its children, siblings in call order.
    for (const child of spans.filter((candidate) => candidate.parentSpanContext?.spanId === span.spanContext().spanId)) print(child, depth + 1);
  };
  for (const root of spans.filter((span) => span.parentSpanContext === undefined)) print(root, 0);
}

export async function main(): Promise<void> {
  // Register a tracer provider once, at startup. In production this is usually the NodeSDK of
  // @opentelemetry/sdk-node with an OTLP exporter; here the spans are kept in memory.
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);

  configure({ lm: new DummyLM(() => ({ reasoning: '2 and 2 make 4.', answer: '4' })) });
  const qa = new ChainOfThought('question -> answer');
  await qa.forward({ question: 'What is 2 + 2?' });

  printTree(exporter.getFinishedSpans());
  // ChainOfThought.forward  dspex.module.name="ChainOfThought"
  //   Predict.forward  dspex.module.name="Predict" dspex.signature="question -> reasoning, answer"
  //     ChatAdapter.format  dspex.adapter.name="ChatAdapter" dspex.signature="question -> reasoning, answer"
  //     chat dummy  gen_ai.operation.name="chat" gen_ai.provider.name="unknown" … gen_ai.request.model="dummy" … gen_ai.usage.output_tokens=0
  //     ChatAdapter.parse  dspex.adapter.name="ChatAdapter" dspex.signature="question -> reasoning, answer"

  await provider.shutdown();
  trace.disable();
}

if (require.main === module) void main();
