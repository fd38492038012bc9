import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { DummyLM, Predict, Supervisor, configure } from 'dspex';

export async function main(): Promise<void> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  configure({ lm: new DummyLM(() => ({ answer: 'Paris' })) });

  const supervisor = new Supervisor({ name: 'app' });
  const qa = await supervisor.startChild({ id: 'qa', version: '2', start: () => new Predict('question -> answer') });
  await qa.forward({ question: 'What is the capital of France?' });
  await supervisor.stop();

  const call = exporter.getFinishedSpans().find((span) => span.name === 'supervised_call qa');
  console.log(call?.attributes);
  // {
  //   'dspex.supervisor.child.id': 'qa',
  //   'dspex.supervisor.child.version': '2',
  //   'dspex.supervisor.call.outcome': 'success',
  //   'dspex.supervisor.child.restarts': 0,
  //   'dspex.supervisor.call.restarts': 0
  // }
  // Beneath it: Predict.forward, and under that the format, chat and parse spans.

  await provider.shutdown();
  trace.disable();
}

if (require.main === module) void main();
