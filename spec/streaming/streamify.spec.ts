import { JSONAdapter } from '../../lib/adapters/json-adapter';
import { BaseLM, type LMCallOptions, type LMOutput } from '../../lib/lm/base-lm';
import type { ChatMessage } from '../../lib/lm/chat-message';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { ChainOfThought } from '../../lib/predict/chain-of-thought';
import { Predict } from '../../lib/predict/predict';
import { ReAct } from '../../lib/predict/react';
import { Tool } from '../../lib/predict/tool';
import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { configure, context, resetSettings } from '../../lib/settings/settings';
import { StatusMessage, StatusMessageProvider } from '../../lib/streaming/status-message';
import { StreamChunk } from '../../lib/streaming/stream-chunk';
import { StreamListener } from '../../lib/streaming/stream-listener';
import { streamify, type StreamItem } from '../../lib/streaming/streamify';

afterEach(() => resetSettings());

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function chunks(items: readonly unknown[]): StreamChunk[] {
  return items.filter((item): item is StreamChunk => item instanceof StreamChunk);
}

function textOf(items: readonly unknown[], predictor: string, field: string): string {
  return chunks(items)
    .filter((chunk) => chunk.predictor === predictor && chunk.field === field)
    .map((chunk) => chunk.chunk)
    .join('');
}

/** Draft, then polish: two predictors with the same output field. */
class DraftAndPolish extends Module {
  draft = new Predict('question -> answer');
  polish = new Predict('question, draft -> answer, note');

  async forward(inputs: { question: string }): Promise<Prediction> {
    const draft = await this.draft.forward(inputs);
    return this.polish.forward({ question: inputs.question, draft: String(draft.answer) });
  }
}

/** Asks the same predictor twice. */
class AskTwice extends Module {
  ask = new Predict('question -> answer');

  async forward(inputs: { question: string }): Promise<Prediction> {
    await this.ask.forward(inputs);
    return this.ask.forward({ question: `${inputs.question}?` });
  }
}

/** An LM with no `stream` method: its replies arrive whole. */
class WholeLM extends BaseLM {
  constructor(private readonly reply: string) {
    super('whole', { cache: false });
  }

  async forward(_messages: readonly ChatMessage[], _options: LMCallOptions): Promise<LMOutput> {
    return { outputs: [this.reply] };
  }

  copy(): WholeLM {
    return new WholeLM(this.reply);
  }
}

describe('streamify', () => {
  it('streams the output field of a bare Predict in pieces, then yields the Prediction', async () => {
    configure({ lm: new DummyLM([{ answer: 'The sky scatters blue light.' }], { streamChunkSize: 5 }) });
    const items = await collect(streamify(new Predict('question -> answer'))({ question: 'Why is the sky blue?' }));
    const pieces = chunks(items);
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.every((chunk) => chunk.predictor === 'self' && chunk.field === 'answer')).toBe(true);
    expect(pieces.map((chunk) => chunk.isLast)).toEqual([...pieces.slice(1).map(() => false), true]);
    expect(textOf(items, 'self', 'answer')).toBe('The sky scatters blue light.');
    const last = items[items.length - 1] as Prediction;
    expect(last).toBeInstanceOf(Prediction);
    expect(last.answer).toBe('The sky scatters blue light.');
  });

  it('streams each field of each predictor under its dotted name, in order', async () => {
    configure({ lm: new DummyLM([{ reasoning: 'Rayleigh scattering.', answer: 'Blue light scatters.' }], { streamChunkSize: 4 }) });
    const items = await collect(streamify(new ChainOfThought('question -> answer'))({ question: 'Why?' }));
    const order = chunks(items).map((chunk) => `${chunk.predictor}.${chunk.field}`);
    expect([...new Set(order)]).toEqual(['predict.reasoning', 'predict.answer']);
    expect(textOf(items, 'predict', 'reasoning')).toBe('Rayleigh scattering.');
    expect(textOf(items, 'predict', 'answer')).toBe('Blue light scatters.');
  });

  it('streams only what the listeners name, choosing the predictor by name', async () => {
    configure({ lm: new DummyLM([{ answer: 'draft text' }, { answer: 'final text', note: 'n' }], { streamChunkSize: 3 }) });
    const program = new DraftAndPolish();
    const items = await collect(streamify(program, { listeners: [new StreamListener({ field: 'answer', predictor: 'polish' })] })({ question: 'q' }));
    expect(new Set(chunks(items).map((chunk) => `${chunk.predictor}.${chunk.field}`))).toEqual(new Set(['polish.answer']));
    expect(textOf(items, 'polish', 'answer')).toBe('final text');
    expect((items[items.length - 1] as Prediction).answer).toBe('final text');
  });

  it('finds the one predictor with the listened field, or fails with CONFIGURATION_INVALID', () => {
    const program = new DraftAndPolish();
    expect(() => streamify(program, { listeners: [new StreamListener({ field: 'note' })] })).not.toThrow();
    expect(() => streamify(program, { listeners: [new StreamListener({ field: 'answer' })] })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: expect.objectContaining({ matches: ['draft', 'polish'] }) }),
    );
    expect(() => streamify(program, { listeners: [new StreamListener({ field: 'missing' })] })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID' }),
    );
    expect(() => streamify(program, { listeners: [new StreamListener({ field: 'note', predictor: 'draft' })] })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID' }),
    );
    expect(() => streamify(program, { listeners: [new StreamListener({ field: 'answer', predictor: 'nope' })] })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID' }),
    );
  });

  it('rejects a non-module, bad options and bad listener options with CONFIGURATION_INVALID', () => {
    expect(() => streamify({} as Module)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
    expect(() => streamify(new Predict('q -> a'), { listeners: [{ field: 'a' }] as never })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID' }),
    );
    expect(() => streamify(new Predict('q -> a'), { listner: [] } as never)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
    expect(() => new StreamListener({} as never)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });

  it('streams a listened field once per run unless allowReuse', async () => {
    const answers = [{ answer: 'one' }, { answer: 'two' }];
    configure({ lm: new DummyLM(answers, { streamChunkSize: 2 }) });
    const once = await collect(streamify(new AskTwice(), { listeners: [new StreamListener({ field: 'answer' })] })({ question: 'q' }));
    expect(textOf(once, 'ask', 'answer')).toBe('one');
    configure({ lm: new DummyLM(answers, { streamChunkSize: 2 }) });
    const reused = await collect(streamify(new AskTwice(), { listeners: [new StreamListener({ field: 'answer', allowReuse: true })] })({ question: 'q' }));
    expect(textOf(reused, 'ask', 'answer')).toBe('onetwo');
    expect(chunks(reused).filter((chunk) => chunk.isLast)).toHaveLength(2);
  });

  it('streams JSONAdapter replies without keys or quotes', async () => {
    configure({ lm: new DummyLM([{ reasoning: 'Because "air".', answer: 'Blue' }], { streamChunkSize: 3 }), adapter: new JSONAdapter() });
    const items = await collect(streamify(new Predict('question -> reasoning, answer'))({ question: 'Why?' }));
    expect(textOf(items, 'self', 'reasoning')).toBe('Because "air".');
    expect(textOf(items, 'self', 'answer')).toBe('Blue');
    expect(chunks(items).some((chunk) => /"answer"|[{}]/.test(chunk.chunk))).toBe(false);
  });

  it('streams the reply of an LM without stream() as one piece per field', async () => {
    configure({ lm: new WholeLM('[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]') });
    const items = await collect(streamify(new Predict('question -> answer'))({ question: 'q' }));
    expect(chunks(items)).toEqual([new StreamChunk('self', 'answer', 'Paris', true)]);
  });

  it('streams a cached reply as one piece per field', async () => {
    const lm = new DummyLM([{ answer: 'Paris is the capital.' }, { answer: 'never used' }], { streamChunkSize: 4, cache: { directory: null } });
    configure({ lm });
    const program = streamify(new Predict('question -> answer'));
    const first = await collect(program({ question: 'Capital of France?' }));
    expect(chunks(first).length).toBeGreaterThan(2);
    const again = await collect(program({ question: 'Capital of France?' }));
    expect(chunks(again)).toEqual([new StreamChunk('self', 'answer', 'Paris is the capital.', true)]);
    expect((again[again.length - 1] as Prediction).answer).toBe('Paris is the capital.');
    expect(lm.history).toHaveLength(2);
  });

  it('sends status messages around tool calls (never for finish), as DSPy', async () => {
    const search = new Tool(() => 'Paris is the capital of France.', { name: 'search', description: 'Search the web.', args: { query: { type: 'string' } } });
    configure({
      lm: new DummyLM([
        { next_thought: 'search', next_tool_name: 'search', next_tool_args: { query: 'capital' } },
        { next_thought: 'done', next_tool_name: 'finish', next_tool_args: {} },
        { reasoning: 'Found it.', answer: 'Paris' },
      ]),
    });
    const items = await collect(streamify(new ReAct('question -> answer', { tools: [search] }))({ question: 'Capital?' }));
    const messages = items.filter((item): item is StatusMessage => item instanceof StatusMessage).map((item) => item.message);
    expect(messages).toEqual(['Calling tool search...', 'Tool calling finished! Querying the LLM with tool calling results...']);
    expect((items[items.length - 1] as Prediction).answer).toBe('Paris');
  });

  it('sends the messages a custom provider gives, in order with the chunks', async () => {
    class Progress extends StatusMessageProvider {
      override moduleStartStatusMessage(instance: object): string {
        return `start ${instance.constructor.name}`;
      }
      override moduleEndStatusMessage(): string {
        return 'end';
      }
    }
    configure({ lm: new DummyLM([{ answer: 'ok' }]) });
    const items = await collect(streamify(new Predict('q -> answer'), { statusMessageProvider: new Progress() })({ q: 'x' }));
    expect(items.map((item) => (item instanceof StatusMessage ? item.message : item instanceof StreamChunk ? `chunk ${item.chunk}` : 'prediction'))).toEqual([
      'start Predict',
      'chunk ok',
      'chunk ',
      'end',
      'prediction',
    ]);
  });

  it('leaves the Prediction out when asked, once a field streamed', async () => {
    configure({ lm: new DummyLM([{ answer: 'ok' }]) });
    const items = await collect(
      streamify(new Predict('q -> answer'), { listeners: [new StreamListener({ field: 'answer' })], includeFinalPredictionInOutputStream: false })({ q: 'x' }),
    );
    expect(items).toEqual([new StreamChunk('self', 'answer', 'ok', false), new StreamChunk('self', 'answer', '', true)]);
  });

  it('uses the context() settings of the caller, and keeps its callbacks', async () => {
    const seen: string[] = [];
    const callback = { onModuleEnd: () => void seen.push('module end') };
    const items = await context({ lm: new DummyLM([{ answer: 'ctx' }]), callbacks: [callback] }, () =>
      collect(streamify(new Predict('q -> answer'))({ q: 'x' }) as AsyncIterable<StreamItem>),
    );
    expect(textOf(items, 'self', 'answer')).toBe('ctx');
    expect(seen).toEqual(['module end']);
  });

  it('runs the program in the context() of the call, even when the loop reads it outside', async () => {
    const stream = context({ lm: new DummyLM([{ answer: 'from the call' }]) }, () => streamify(new Predict('q -> answer'))({ q: 'x' }));
    expect(textOf(await collect(stream), 'self', 'answer')).toBe('from the call');
  });

  it('rejects with the program error, after the chunks that came before it', async () => {
    configure({ lm: new DummyLM([{ answer: 'ok' }]) });
    const failing = new Predict('q -> answer');
    const stream = streamify(failing)({} as never);
    await expect(collect(stream)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });

  it('rejects with the caller reason when the signal is already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    configure({ lm: new DummyLM([{ answer: 'ok' }]) });
    await expect(collect(streamify(new Predict('q -> answer'))({ q: 'x' }, { signal: controller.signal }))).rejects.toBe(reason);
  });

  it('stops the program when the reader leaves early', async () => {
    const lm = new DummyLM([{ answer: 'a long answer in many pieces' }, { answer: 'second call' }], { streamChunkSize: 2 });
    configure({ lm });
    for await (const item of streamify(new AskTwice())({ question: 'q' })) {
      expect(item).toBeInstanceOf(StreamChunk);
      break;
    }
    expect(lm.history).toHaveLength(0);
  });
});
