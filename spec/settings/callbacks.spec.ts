import { Writable } from 'node:stream';
import pino from 'pino';
import { Evaluate } from '../../lib/evaluate/evaluate';
import { ConfigurationError } from '../../lib/errors';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { getRootLogger } from '../../lib/logging/logger';
import { Predict } from '../../lib/predict/predict';
import { ReAct } from '../../lib/predict/react';
import { Tool } from '../../lib/predict/tool';
import { Example } from '../../lib/primitives/example';
import { Module } from '../../lib/primitives/module';
import type { Prediction } from '../../lib/primitives/prediction';
import type { Callback, CallbackEnd, CallbackStart } from '../../lib/settings/callback';
import { configure, context, resetSettings } from '../../lib/settings/settings';

/** Two predictors in a row: draft an answer, then polish it. */
class TwoStep extends Module {
  draft: Predict;
  polish: Predict;
  constructor() {
    super();
    this.draft = new Predict('question -> draft');
    this.polish = new Predict('draft -> answer');
  }

  async forward(inputs: { question: string }): Promise<Prediction> {
    const { draft } = await this.draft.forward(inputs);
    return this.polish.forward({ draft });
  }
}

interface Event {
  hook: string;
  callId: string;
  instance: object;
  inputs?: Readonly<Record<string, unknown>>;
  outputs?: unknown;
  error?: unknown;
}

const HOOKS = ['Module', 'Lm', 'AdapterFormat', 'AdapterParse', 'Tool', 'Evaluate'].flatMap((kind) => [`on${kind}Start`, `on${kind}End`]);

/** A callback implementing every hook, recording each event in order. */
function recorder(): { callback: Callback; events: Event[] } {
  const events: Event[] = [];
  const callback: Record<string, (event: CallbackStart | CallbackEnd) => void> = {};
  for (const hook of HOOKS) callback[hook] = (event) => events.push({ hook, ...event });
  return { callback: callback as Callback, events };
}

/** Checks every start has exactly one end with the same callId, properly nested, and returns the hook names. */
function pairedHooks(events: readonly Event[]): string[] {
  const open: Event[] = [];
  for (const event of events) {
    if (event.hook.endsWith('Start')) {
      open.push(event);
    } else {
      const start = open.pop();
      expect(start?.callId).toBe(event.callId);
      expect(start?.hook.replace(/Start$/, 'End')).toBe(event.hook);
      expect(start?.instance).toBe(event.instance);
    }
  }
  expect(open).toEqual([]);
  expect(new Set(events.map((event) => event.callId)).size).toBe(events.length / 2);
  return events.map((event) => event.hook);
}

const ONE_PREDICT = [
  'onModuleStart',
  'onAdapterFormatStart',
  'onAdapterFormatEnd',
  'onLmStart',
  'onLmEnd',
  'onAdapterParseStart',
  'onAdapterParseEnd',
  'onModuleEnd',
];

afterEach(() => resetSettings());

describe('callbacks', () => {
  it('fire in order and pair start with end for a module with two predictors', async () => {
    const { callback, events } = recorder();
    const lm = new DummyLM([{ draft: 'about four' }, { answer: '4' }]);
    configure({ lm, callbacks: [callback] });
    const program = new TwoStep();
    const prediction = await program.forward({ question: 'What is 2+2?' });

    expect(prediction.answer).toBe('4');
    expect(pairedHooks(events)).toEqual(['onModuleStart', ...ONE_PREDICT, ...ONE_PREDICT, 'onModuleEnd']);
    expect(events[0]).toMatchObject({ instance: program, inputs: { question: 'What is 2+2?' } });
    expect(events[1].instance).toBe(program.draft);
    expect(events.at(-1)).toMatchObject({ instance: program, outputs: prediction, error: null });
    const lmStart = events.find((event) => event.hook === 'onLmStart')!;
    expect(lmStart.instance).toBe(lm);
    expect(lmStart.inputs?.messages).toEqual(lm.history[0].messages);
    const lmEnd = events.find((event) => event.hook === 'onLmEnd')!;
    expect((lmEnd.outputs as { outputs: string[] }).outputs).toEqual(lm.history[0].outputs);
    const parseEnd = events.find((event) => event.hook === 'onAdapterParseEnd')!;
    expect(parseEnd.outputs).toEqual({ draft: 'about four' });
    const formatStart = events.find((event) => event.hook === 'onAdapterFormatStart')!;
    expect(formatStart.inputs).toMatchObject({ inputs: { question: 'What is 2+2?' }, demos: [] });
  });

  it('fire the tool hooks around the tool a ReAct agent calls', async () => {
    const { callback, events } = recorder();
    const weather = new Tool(({ city }: { city: string }) => `Sunny in ${city}`, { name: 'weather', args: { city: { type: 'string' } } });
    configure({
      lm: new DummyLM([
        { next_thought: 'Look it up.', next_tool_name: 'weather', next_tool_args: { city: 'Paris' } },
        { next_thought: 'Done.', next_tool_name: 'finish', next_tool_args: {} },
        { reasoning: 'It is sunny.', answer: 'Sunny' },
      ]),
      callbacks: [callback],
    });
    const agent = new ReAct('question -> answer', { tools: [weather] });
    await agent.forward({ question: 'Weather in Paris?' });

    const hooks = pairedHooks(events);
    const toolEvents = events.filter((event) => event.hook.startsWith('onTool'));
    // As in DSPy, the built-in finish tool is a Tool too.
    expect(toolEvents.map((event) => [event.hook, (event.instance as Tool).name])).toEqual([
      ['onToolStart', 'weather'],
      ['onToolEnd', 'weather'],
      ['onToolStart', 'finish'],
      ['onToolEnd', 'finish'],
    ]);
    expect(toolEvents[0]).toMatchObject({ instance: weather, inputs: { city: 'Paris' } });
    expect(toolEvents[1]).toMatchObject({ outputs: 'Sunny in Paris', error: null });
    // The tool runs inside the agent's call, after its first step's predictor finished.
    expect(hooks.indexOf('onToolStart')).toBeGreaterThan(hooks.indexOf('onModuleEnd'));
    expect(hooks[0]).toBe('onModuleStart');
    expect(events[0].instance).toBe(agent);
    expect(hooks.at(-1)).toBe('onModuleEnd');
  });

  it('fire the evaluate hooks around a whole Evaluate run', async () => {
    const { callback, events } = recorder();
    configure({ lm: new DummyLM([{ answer: 'a' }, { answer: 'b' }]), callbacks: [callback] });
    const devset = ['x', 'y'].map((question) => new Example({ question, answer: 'a' }).withInputs('question'));
    const evaluate = new Evaluate({
      devset,
      metric: (example, prediction) => example.answer === prediction.answer,
      concurrency: 1,
      logger: pino({ level: 'silent' }),
    });
    const program = new Predict('question -> answer');
    const result = await evaluate.run(program);

    const hooks = pairedHooks(events);
    expect(hooks[0]).toBe('onEvaluateStart');
    expect(hooks.at(-1)).toBe('onEvaluateEnd');
    expect(hooks.filter((hook) => hook === 'onModuleStart')).toHaveLength(2);
    expect(events[0]).toMatchObject({ instance: evaluate, inputs: { program } });
    expect(events.at(-1)).toMatchObject({ outputs: result, error: null });
    expect(result.score).toBe(50);
  });

  it('give the end hooks the error when a call fails, and the error still reaches the caller', async () => {
    const { callback, events } = recorder();
    configure({ lm: new DummyLM(() => 'no fields here'), callbacks: [callback] });
    const predict = new Predict('question -> answer: int');
    const failure = await predict.forward({ question: 'q' }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    pairedHooks(events);
    const moduleEnd = events.at(-1)!;
    expect(moduleEnd).toMatchObject({ hook: 'onModuleEnd', instance: predict, outputs: null, error: failure });
    const parseEnds = events.filter((event) => event.hook === 'onAdapterParseEnd');
    expect(parseEnds.length).toBeGreaterThan(0);
    for (const parseEnd of parseEnds) {
      expect(parseEnd.outputs).toBeNull();
      expect(parseEnd.error).toBeInstanceOf(Error);
    }
  });

  it('give the tool end hook the tool error', async () => {
    const { callback, events } = recorder();
    const broken = new Tool(
      () => {
        throw new Error('down');
      },
      { name: 'broken' },
    );
    const error = await context({ callbacks: [callback] }, () => broken.call({})).catch((caught: unknown) => caught);
    expect(events.map((event) => event.hook)).toEqual(['onToolStart', 'onToolEnd']);
    expect(events[1]).toMatchObject({ outputs: null, error });
  });

  it('log a throwing or rejecting callback at warn level and never break the call', async () => {
    const records: Record<string, unknown>[] = [];
    const memory = pino(
      { level: 'warn' },
      new Writable({
        write(chunk, _encoding, done) {
          records.push(JSON.parse(String(chunk)) as Record<string, unknown>);
          done();
        },
      }),
    );
    const child = jest.spyOn(getRootLogger(), 'child').mockReturnValue(memory as never);
    try {
      const { callback, events } = recorder();
      const throwing: Callback = {
        onModuleStart: () => {
          throw new Error('start hook broke');
        },
        onLmEnd: async () => {
          throw new Error('async end hook broke');
        },
      };
      configure({ lm: new DummyLM([{ answer: '4' }]), callbacks: [throwing, callback] });
      const prediction = await new Predict('question -> answer').forward({ question: '2+2?' });
      await new Promise<void>((resolve) => setImmediate(resolve));

      expect(prediction.answer).toBe('4');
      expect(pairedHooks(events)).toEqual(ONE_PREDICT);
      const warnings = records.filter((record) => record.level === 40 && typeof record.hook === 'string');
      expect(warnings.map((record) => [record.hook, (record.err as { message: string }).message])).toEqual([
        ['onModuleStart', 'start hook broke'],
        ['onLmEnd', 'async end hook broke'],
      ]);
    } finally {
      child.mockRestore();
    }
  });

  it('scoped through context() never leak into concurrent calls', async () => {
    const first = recorder();
    const second = recorder();
    const global = recorder();
    configure({ lm: new DummyLM(() => ({ answer: 'ok' })), callbacks: [global.callback] });
    const one = new Predict('question -> answer');
    const two = new Predict('question -> answer');
    await Promise.all([
      context({ callbacks: [first.callback] }, () => one.forward({ question: 'one' })),
      context({ callbacks: [second.callback] }, () => two.forward({ question: 'two' })),
      context({ callbacks: [] }, () => two.forward({ question: 'none' })),
    ]);

    expect(pairedHooks(first.events)).toEqual(ONE_PREDICT);
    expect(pairedHooks(second.events)).toEqual(ONE_PREDICT);
    expect(first.events.every((event) => event.hook.startsWith('onLm') || event.hook.startsWith('onAdapter') || event.instance === one)).toBe(true);
    expect(second.events[0]).toMatchObject({ instance: two, inputs: { question: 'two' } });
    expect(global.events).toEqual([]);
  });

  it('do not fire twice for a subclass forward that calls super.forward', async () => {
    class Loud extends Predict {
      override async forward(inputs: Record<string, unknown>): Promise<Prediction> {
        return super.forward(inputs);
      }
    }
    const { callback, events } = recorder();
    configure({ lm: new DummyLM([{ answer: '4' }]), callbacks: [callback] });
    await new Loud('question -> answer').forward({ question: 'q' });
    expect(pairedHooks(events)).toEqual(ONE_PREDICT);
  });

  it.each([
    ['not an array', {}],
    ['an item that is not an object', [42]],
    ['an object with no hook', [{}]],
    ['a misspelt hook', [{ onLMStart: () => undefined }]],
    ['a hook that is not a function', [{ onModuleStart: 'log' }]],
  ])('are validated: %s is CONFIGURATION_INVALID', (_case, callbacks) => {
    expect(() => configure({ callbacks } as never)).toThrow(ConfigurationError);
    expect(() => context({ callbacks } as never, () => undefined)).toThrow(ConfigurationError);
  });

  it('accept a class instance whose hooks are methods', async () => {
    const seen: string[] = [];
    class Logging implements Callback {
      onLmStart(event: CallbackStart): void {
        seen.push(`start ${event.callId}`);
      }
      onLmEnd(event: CallbackEnd): void {
        seen.push(`end ${event.callId}`);
      }
    }
    configure({ lm: new DummyLM([{ answer: '4' }]), callbacks: [new Logging()] });
    await new Predict('question -> answer').forward({ question: 'q' });
    expect(seen).toHaveLength(2);
    expect(seen[0].slice(6)).toBe(seen[1].slice(4));
  });
});
