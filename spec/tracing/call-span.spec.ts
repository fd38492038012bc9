import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import { Evaluate } from '../../lib/evaluate/evaluate';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { BaseLM, type LMCallOptions, type LMOutput } from '../../lib/lm/base-lm';
import type { ChatMessage } from '../../lib/lm/chat-message';
import { LM } from '../../lib/lm/lm';
import { Predict } from '../../lib/predict/predict';
import { ReAct } from '../../lib/predict/react';
import { Tool } from '../../lib/predict/tool';
import { Example } from '../../lib/primitives/example';
import { Module } from '../../lib/primitives/module';
import type { Prediction } from '../../lib/primitives/prediction';
import type { CallbackStart } from '../../lib/settings/callback';
import { activeCallbacks, adapterObserver } from '../../lib/settings/callbacks';
import { configure, resetSettings } from '../../lib/settings/settings';
import { installContextManager, installTracing, type InMemoryTracing } from '../helpers/in-memory-tracing';
import { completion, serverError, startOpenAIServer, type OpenAIServer } from '../helpers/openai-server';
import { Deferred } from '../helpers/runtime-support';

const silent = pino({ level: 'silent' });

/** Two predictors in a row: draft an answer, then polish it. */
class TwoStep extends Module {
  draft = new Predict('question -> draft');
  polish = new Predict('draft -> answer');

  async forward(inputs: { question: string }): Promise<Prediction> {
    const { draft } = await this.draft.forward(inputs);
    return this.polish.forward({ draft });
  }
}

const ONE_PREDICT = ['Predict.forward', '  ChatAdapter.format', '  chat dummy', '  ChatAdapter.parse'];
const indent = (lines: string[]): string[] => lines.map((line) => `  ${line}`);

let tracing: InMemoryTracing;

beforeEach(() => {
  tracing = installTracing();
});

afterEach(() => {
  tracing.uninstall();
  resetSettings();
});

describe('OpenTelemetry spans', () => {
  it('nest the format, LM and parse spans of a Predict call under its module span', async () => {
    configure({ lm: new DummyLM([{ answer: 'Paris' }]) });
    await new Predict('question -> answer').forward({ question: 'Capital of France?' });

    expect(tracing.tree()).toEqual(ONE_PREDICT);
    const module = tracing.span('Predict.forward');
    expect(module.attributes).toMatchObject({ 'dspex.module.name': 'Predict', 'dspex.signature': 'question -> answer' });
    expect(module.instrumentationScope.name).toBe('dspex');
    expect(new Set(tracing.spans().map((span) => span.spanContext().traceId)).size).toBe(1);
    expect(tracing.span('ChatAdapter.parse').attributes).toMatchObject({ 'dspex.adapter.name': 'ChatAdapter', 'dspex.signature': 'question -> answer' });
  });

  it('nest a module’s submodule calls under the module span, across awaits', async () => {
    configure({ lm: new DummyLM([{ draft: 'about four' }, { answer: '4' }]) });
    await new TwoStep().forward({ question: 'What is 2+2?' });

    expect(tracing.tree()).toEqual(['TwoStep.forward', ...indent(ONE_PREDICT), ...indent(ONE_PREDICT)]);
    expect(tracing.span('TwoStep.forward').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('give the LM span the GenAI semantic conventions’ name, kind and attributes', async () => {
    const server: OpenAIServer = await startOpenAIServer();
    try {
      server.script(completion('[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]', { usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } }));
      const lm = new LM('openai/gpt-4o-mini', { baseURL: server.baseURL, apiKey: 'sk-test', cache: false, logger: silent, temperature: 0.2 });
      await new Predict('question -> answer').forward({ question: 'Capital of France?' }, { lm, config: { maxTokens: 50, stop: ['END'] } });

      const span = tracing.span('chat gpt-4o-mini');
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toEqual({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 50,
        'gen_ai.request.stop_sequences': ['END'],
        'gen_ai.response.model': 'test-model-2024',
        'gen_ai.response.id': 'chatcmpl-test',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 3,
        'dspex.lm.cache_hit': false,
      });
      expect(tracing.parentOf(span)?.name).toBe('Predict.forward');
    } finally {
      await server.close();
    }
  });

  it('record a failed LM call on its span and on the module span, with error.type from the error code', async () => {
    const server = await startOpenAIServer();
    try {
      server.script(serverError(500));
      const lm = new LM('openai/gpt-4o-mini', { baseURL: server.baseURL, apiKey: 'sk-test', cache: false, logger: silent, numRetries: 0 });
      await expect(new Predict('question -> answer').forward({ question: 'q' }, { lm })).rejects.toMatchObject({ code: 'LM_HTTP' });

      for (const name of ['chat gpt-4o-mini', 'Predict.forward']) {
        const span = tracing.span(name);
        expect(span.status.code).toBe(SpanStatusCode.ERROR);
        expect(span.attributes['error.type']).toBe('LM_HTTP');
      }
      expect(tracing.span('chat gpt-4o-mini').events.map((event) => event.name)).toEqual(['exception']);
      expect(tracing.span('chat gpt-4o-mini').attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('record a reply the adapter cannot parse on the parse span', async () => {
    configure({ lm: new DummyLM(['no field markers at all', 'still nothing']) });
    await expect(new Predict('question -> answer: int').forward({ question: 'q' })).rejects.toMatchObject({ code: 'ADAPTER_PARSE' });

    const failedParses = tracing.spans().filter((span) => span.name.endsWith('.parse') && span.status.code === SpanStatusCode.ERROR);
    expect(failedParses.length).toBeGreaterThan(0);
    expect(failedParses[0].attributes['error.type']).toBe('ADAPTER_PARSE');
    expect(tracing.span('Predict.forward').attributes['error.type']).toBe('ADAPTER_PARSE');
  });

  it('keep the parents of concurrent calls apart while their LM calls interleave', async () => {
    const gates = { first: new Deferred(), second: new Deferred() };
    const lm = new DummyLM(async (messages: readonly ChatMessage[]) => {
      const question = String(messages.at(-1)?.content).includes('first') ? 'first' : 'second';
      await gates[question].promise;
      return { answer: question };
    });
    configure({ lm });
    const first = new Predict('question -> answer').forward({ question: 'first' });
    const second = new Predict('question -> answer').forward({ question: 'second' });
    // Both LM calls are in flight; they finish in the reverse order.
    await new Promise<void>((resolve) => setImmediate(resolve));
    gates.second.resolve();
    await second;
    gates.first.resolve();
    await first;

    const modules = tracing.spans().filter((span) => span.name === 'Predict.forward');
    expect(modules).toHaveLength(2);
    expect(modules.map((span) => span.parentSpanContext)).toEqual([undefined, undefined]);
    for (const span of tracing.spans().filter((candidate) => candidate.name === 'chat dummy')) {
      const module = tracing.parentOf(span)!;
      expect(module.name).toBe('Predict.forward');
      expect(module.spanContext().traceId).toBe(span.spanContext().traceId);
    }
    expect(new Set(tracing.spans().map((span) => span.spanContext().traceId)).size).toBe(2);
  });

  it('give each tool call of a ReAct agent an execute_tool span under the agent', async () => {
    const weather = new Tool(({ city }: { city: string }) => `Sunny in ${city}`, {
      name: 'weather',
      description: 'Current weather.',
      args: { city: { type: 'string' } },
    });
    configure({
      lm: new DummyLM([
        { next_thought: 'Look it up.', next_tool_name: 'weather', next_tool_args: { city: 'Paris' } },
        { next_thought: 'Done.', next_tool_name: 'finish', next_tool_args: {} },
        { reasoning: 'It is sunny.', answer: 'Sunny' },
      ]),
    });
    await new ReAct('question -> answer', { tools: [weather] }).forward({ question: 'Weather in Paris?' });

    const span = tracing.span('execute_tool weather');
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'weather',
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.description': 'Current weather.',
    });
    expect(tracing.parentOf(span)?.name).toBe('ReAct.forward');
  });

  it('wrap an Evaluate run in one span, with its program calls beneath and its score', async () => {
    configure({ lm: new DummyLM([{ answer: '4' }, { answer: '5' }]) });
    const devset = [
      new Example({ question: '2+2?', answer: '4' }).withInputs('question'),
      new Example({ question: '2+3?', answer: '6' }).withInputs('question'),
    ];
    const evaluate = new Evaluate({ devset, metric: (example, prediction) => example.answer === prediction.answer, concurrency: 1, logger: silent });
    await evaluate.run(new Predict('question -> answer'));

    const span = tracing.span('evaluate Predict');
    expect(span.attributes).toMatchObject({ 'dspex.module.name': 'Predict', 'dspex.evaluate.score': 50 });
    const programs = tracing.spans().filter((candidate) => candidate.name === 'Predict.forward');
    expect(programs.map((program) => tracing.parentOf(program)?.name)).toEqual(['evaluate Predict', 'evaluate Predict']);
  });

  it('run the callbacks inside the spans, both observing the same calls', async () => {
    const starts: string[] = [];
    configure({
      lm: new DummyLM([{ answer: 'Paris' }]),
      callbacks: [{ onModuleStart: (event: CallbackStart) => void starts.push(event.instance.constructor.name) }],
    });
    await new Predict('question -> answer').forward({ question: 'q' });

    expect(starts).toEqual(['Predict']);
    expect(tracing.tree()).toEqual(ONE_PREDICT);
  });

  it('keep a call that succeeded successful when its result cannot be read for attributes', async () => {
    class OddLM extends BaseLM {
      constructor() {
        super('odd/model-1');
      }
      async forward(_messages: readonly ChatMessage[], _options: LMCallOptions): Promise<LMOutput> {
        const response = Object.defineProperty({}, 'choices', {
          get: () => {
            throw new Error('unreadable');
          },
        });
        return { outputs: ['[[ ## answer ## ]]\nok'], response };
      }
      copy(): OddLM {
        return new OddLM();
      }
    }
    const prediction = await new Predict('question -> answer').forward({ question: 'q' }, { lm: new OddLM() });

    expect(prediction.answer).toBe('ok');
    const span = tracing.span('chat model-1');
    expect(span.attributes).toMatchObject({ 'gen_ai.provider.name': 'odd', 'gen_ai.request.model': 'model-1' });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });
});

describe('OpenTelemetry context', () => {
  let removeContextManager: () => void;

  beforeEach(() => {
    removeContextManager = installContextManager();
  });

  afterEach(() => removeContextManager());

  it('puts dspex spans under the caller’s active span, and the user’s spans inside a tool under the tool span', async () => {
    const tracer = trace.getTracer('app');
    const lookup = new Tool(
      ({ city }: { city: string }) =>
        tracer.startActiveSpan('db.lookup', (span) => {
          span.end();
          return `Sunny in ${city}`;
        }),
      { name: 'lookup', args: { city: { type: 'string' } } },
    );
    configure({
      lm: new DummyLM([
        { next_thought: 'Look it up.', next_tool_name: 'lookup', next_tool_args: { city: 'Paris' } },
        { next_thought: 'Done.', next_tool_name: 'finish', next_tool_args: {} },
        { reasoning: 'It is sunny.', answer: 'Sunny' },
      ]),
    });
    await tracer.startActiveSpan('http.request', async (span) => {
      await new ReAct('question -> answer', { tools: [lookup] }).forward({ question: 'Weather in Paris?' });
      span.end();
    });

    expect(tracing.parentOf(tracing.span('ReAct.forward'))?.name).toBe('http.request');
    expect(tracing.parentOf(tracing.span('db.lookup'))?.name).toBe('execute_tool lookup');
    expect(new Set(tracing.spans().map((span) => span.spanContext().traceId)).size).toBe(1);
  });
});

describe('without a recording tracer', () => {
  it('observes nothing when no tracer provider is registered: no spans, no adapter observer', async () => {
    tracing.uninstall();
    configure({ lm: new DummyLM([{ answer: 'Paris' }]) });
    expect(activeCallbacks()).toBeUndefined();
    expect(adapterObserver(undefined)).toBeUndefined();
    await new Predict('question -> answer').forward({ question: 'q' });
    expect(tracing.spans()).toEqual([]);
  });

  it('observes again once a provider is registered', () => {
    expect(activeCallbacks()).toEqual([]);
    expect(adapterObserver(undefined)).toBeInstanceOf(Function);
  });

  it('exports nothing and answers as usual when the sampler drops every span', async () => {
    tracing.uninstall();
    tracing = installTracing({ sampler: new AlwaysOffSampler() });
    configure({ lm: new DummyLM([{ draft: 'four' }, { answer: '4' }]) });
    const prediction = await new TwoStep().forward({ question: '2+2?' });
    expect(prediction.answer).toBe('4');
    expect(tracing.spans()).toEqual([]);
  });
});
