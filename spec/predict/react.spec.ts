import { Writable } from 'node:stream';
import pino from 'pino';
import { XMLAdapter } from '../../lib/adapters/xml-adapter';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { ReAct } from '../../lib/predict/react';
import { Tool } from '../../lib/predict/tool';
import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { configure, context, resetSettings, type TraceEntry } from '../../lib/settings/settings';
import dspySavedReAct from '../fixtures/predict/dspy-saved-react.json';
import workedExample from '../fixtures/predict/react-worked-example.json';

afterEach(() => resetSettings());

/** DSPy's worked-example tool: `search(query: str) -> str`, docstring "Search the web for a query." */
function searchTool(calls: unknown[] = []): Tool {
  return new Tool(
    function search(args: { query: string }) {
      calls.push(args);
      return 'Paris is the capital of France.';
    },
    { description: 'Search the web for a query.', args: { query: { type: 'string' } } },
  );
}

/** A scripted reply for one agent step. */
function step(tool: string, args: unknown, thought = 'thinking'): Record<string, unknown> {
  return { next_thought: thought, next_tool_name: tool, next_tool_args: args };
}

const ANSWER = { reasoning: 'Done.', answer: 'Paris' };

function sentMessages(lm: DummyLM): { role: string; content: string }[][] {
  return lm.history.map((entry) => entry.messages.map((message) => ({ role: message.role, content: message.content })));
}

/** A pino logger writing parsed records to an array (how log output is asserted). */
function memoryLogger(): { logger: pino.Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      records.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), records };
}

describe('ReAct', () => {
  describe("DSPy's worked example (reference §6.3)", () => {
    it('sends the two react calls and the extract call byte for byte', async () => {
      const lm = new DummyLM(workedExample.replies);
      configure({ lm });
      await new ReAct('question -> answer', { tools: [searchTool()] }).forward({ question: workedExample.question });
      expect(sentMessages(lm)).toEqual(workedExample.calls);
    });

    it('calls the tool with one object of named arguments and returns trajectory, reasoning, answer in that order', async () => {
      configure({ lm: new DummyLM(workedExample.replies) });
      const searches: unknown[] = [];
      const prediction = await new ReAct('question -> answer', { tools: [searchTool(searches)] }).forward({ question: workedExample.question });
      expect(searches).toEqual([{ query: 'capital of France' }]);
      expect(prediction).toBeInstanceOf(Prediction);
      expect(prediction.keys()).toEqual(['trajectory', 'reasoning', 'answer']);
      expect(prediction.answer).toBe('Paris');
      expect(prediction.trajectory).toEqual({
        thought_0: 'I should search.',
        tool_name_0: 'search',
        tool_args_0: { query: 'capital of France' },
        observation_0: 'Paris is the capital of France.',
        thought_1: 'I have the answer.',
        tool_name_1: 'finish',
        tool_args_1: {},
        observation_1: 'Completed.',
      });
    });
  });

  describe('under the XMLAdapter', () => {
    it('shows the trajectory as XML input fields, as DSPy formats it through the adapter', async () => {
      const adapter = new XMLAdapter();
      const lm = new DummyLM([step('search', { query: 'capital of France' }, 'I should search.'), step('finish', {}, 'I have the answer.'), ANSWER], {
        adapter,
      });
      configure({ lm, adapter });
      const prediction = await new ReAct('question -> answer', { tools: [searchTool()] }).forward({ question: workedExample.question });
      expect(prediction.answer).toBe('Paris');
      const secondStep = sentMessages(lm)[1].at(-1)?.content ?? '';
      expect(secondStep).toContain(
        '<trajectory>\n<thought_0>\nI should search.\n</thought_0>\n\n<tool_name_0>\nsearch\n</tool_name_0>\n\n' +
          '<tool_args_0>\n{"query": "capital of France"}\n</tool_args_0>\n\n<observation_0>\nParis is the capital of France.\n</observation_0>\n</trajectory>',
      );
      expect(secondStep).not.toContain('[[ ## thought_0 ## ]]');
    });
  });

  describe('introspection and state', () => {
    it('names its predictors as DSPy does: react, extract.predict', () => {
      const agent = new ReAct('question -> answer', { tools: [searchTool()] });
      expect(agent.namedPredictors().map(([name]) => name)).toEqual(['react', 'extract.predict']);
      expect(agent.react.signature.toString()).toBe('question, trajectory -> next_thought, next_tool_name, next_tool_args');
      expect(agent.extract.predict.signature.toString()).toBe('question, trajectory -> reasoning, answer');
    });

    it('is named agent.react and agent.extract.predict inside another module', () => {
      class Assistant extends Module {
        agent = new ReAct('question -> answer', { tools: [searchTool()] });
        async forward(inputs: Record<string, unknown>): Promise<Prediction> {
          return this.agent.forward(inputs);
        }
      }
      expect(new Assistant().namedPredictors().map(([name]) => name)).toEqual(['agent.react', 'agent.extract.predict']);
    });

    it('deep-copies its predictors and keeps its tools', () => {
      const agent = new ReAct('question -> answer', { tools: [searchTool()] });
      const copy = agent.deepcopy();
      expect(copy.react).not.toBe(agent.react);
      expect(copy.extract.predict).not.toBe(agent.extract.predict);
      expect(Object.keys(copy.tools)).toEqual(['search', 'finish']);
    });

    it('round-trips dumpState/loadState, and the loaded instructions reach the prompt', async () => {
      const source = new ReAct('question -> answer', { tools: [searchTool()] });
      const state = source.dumpState();
      expect(Object.keys(state)).toEqual(['react', 'extract.predict']);
      const edited = JSON.parse(JSON.stringify(state)) as Record<string, { signature: { instructions: string }; demos: unknown[] }>;
      edited.react.signature.instructions = 'Use the tools wisely.';
      edited['extract.predict'].demos = [{ question: 'q', trajectory: 't', reasoning: 'r', answer: 'a' }];
      const target = new ReAct('question -> answer', { tools: [searchTool()] }).loadState(edited);
      expect(target.dumpState()).toEqual(edited);
      const lm = new DummyLM([step('finish', {}), ANSWER]);
      await context({ lm }, () => target.forward({ question: 'x' }));
      expect(lm.history[0].messages[0].content).toContain('your objective is: \n        Use the tools wisely.');
    });

    it('loads a program saved by DSPy (entries react and extract.predict) and uses it', async () => {
      const agent = new ReAct('question -> answer', { tools: [searchTool()] });
      agent.loadState(dspySavedReAct);
      expect(agent.react.signature.instructions).toBe('Answer questions by searching first.');
      expect(agent.react.demos).toHaveLength(1);
      expect(agent.extract.predict.lm?.model).toBe('openai/gpt-4o-mini');
      const lm = new DummyLM([step('finish', {})]);
      await agent.react.forward({ question: 'q', trajectory: '' }, { lm });
      expect(lm.history[0].messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
      expect(lm.history[0].messages[2].content).toContain('[[ ## next_tool_args ## ]]\n{"query": "capital of Italy"}');
    });
  });

  describe('the loop', () => {
    it('stops after maxIters steps and then extracts', async () => {
      const lm = new DummyLM([step('search', { query: 'a' }), step('search', { query: 'b' }), ANSWER]);
      const prediction = await context({ lm }, () => new ReAct('question -> answer', { tools: [searchTool()], maxIters: 2 }).forward({ question: 'q' }));
      expect(lm.history).toHaveLength(3);
      expect(Object.keys(prediction.trajectory as object)).toHaveLength(8);
      expect(prediction.answer).toBe('Paris');
    });

    it('takes a per-call maxIters override', async () => {
      const lm = new DummyLM([step('search', { query: 'a' }), ANSWER]);
      const agent = new ReAct('question -> answer', { tools: [searchTool()], maxIters: 10 });
      await context({ lm }, () => agent.forward({ question: 'q' }, { maxIters: 1 }));
      expect(lm.history).toHaveLength(2);
      expect(agent.maxIters).toBe(10);
    });

    it('feeds arguments that fail the schema back as an observation and goes on', async () => {
      const searches: unknown[] = [];
      const lm = new DummyLM([step('search', { query: 3 }), step('finish', {}), ANSWER]);
      const prediction = await context({ lm }, () => new ReAct('question -> answer', { tools: [searchTool(searches)] }).forward({ question: 'q' }));
      expect(searches).toEqual([]);
      expect((prediction.trajectory as Record<string, unknown>).observation_0).toBe(
        "Execution error in search: Arg query is invalid: 3 is not of type 'string'",
      );
      expect(lm.history[1].messages[1].content).toContain(
        "[[ ## observation_0 ## ]]\nExecution error in search: Arg query is invalid: 3 is not of type 'string'",
      );
    });

    it('feeds a throwing tool back as an execution error', async () => {
      const failing = new Tool(
        function lookup() {
          throw new Error('service unavailable');
        },
        { args: {} },
      );
      const lm = new DummyLM([step('lookup', {}), step('finish', {}), ANSWER]);
      const prediction = await context({ lm }, () => new ReAct('question -> answer', { tools: [failing] }).forward({ question: 'q' }));
      expect((prediction.trajectory as Record<string, unknown>).observation_0).toBe('Execution error in lookup: service unavailable');
    });

    it('turns a hung tool into an execution error after its timeoutMs', async () => {
      jest.useFakeTimers();
      try {
        let markStarted!: () => void;
        const started = new Promise<void>((resolve) => (markStarted = resolve));
        const hung = new Tool(
          function slow() {
            markStarted();
            return new Promise(() => {});
          },
          { timeoutMs: 100 },
        );
        const lm = new DummyLM([step('slow', {}), step('finish', {}), ANSWER]);
        const pending = context({ lm }, () => new ReAct('question -> answer', { tools: [hung] }).forward({ question: 'q' }));
        await started;
        await jest.advanceTimersByTimeAsync(100);
        const prediction = await pending;
        expect((prediction.trajectory as Record<string, unknown>).observation_0).toBe('Execution error in slow: Tool slow timed out after 100 ms');
      } finally {
        jest.useRealTimers();
      }
    });

    it('ends the loop with a warning when the model invents a tool name, then extracts', async () => {
      const { logger, records } = memoryLogger();
      // The invented name fails the Literal; ChatAdapter's JSON fallback asks once more and fails too.
      const lm = new DummyLM((messages) => (messages[0].content.includes('next_tool_name') ? step('calculator', {}) : ANSWER));
      const prediction = await context({ lm }, () => new ReAct('question -> answer', { tools: [searchTool()], logger }).forward({ question: 'q' }));
      expect(prediction.trajectory).toEqual({});
      expect(prediction.answer).toBe('Paris');
      expect(records).toEqual([
        expect.objectContaining({ level: 40, component: 'react', step: 0, msg: 'ending the trajectory: agent failed to select a valid tool' }),
      ]);
      expect((records[0].err as { code: string }).code).toBe('ADAPTER_PARSE');
    });

    it('passes a plain function its arguments object and prints its arguments as {}', async () => {
      const received: unknown[] = [];
      async function lookup(args: { topic: string }): Promise<string> {
        received.push(args);
        return `notes on ${args.topic}`;
      }
      const lm = new DummyLM([step('lookup', { topic: 'tides' }), step('finish', {}), ANSWER]);
      const agent = new ReAct('question -> answer', { tools: [lookup] });
      const prediction = await context({ lm }, () => agent.forward({ question: 'q' }));
      expect(received).toEqual([{ topic: 'tides' }]);
      expect((prediction.trajectory as Record<string, unknown>).observation_0).toBe('notes on tides');
      expect(agent.react.signature.instructions).toContain('(1) lookup. It takes arguments {}.');
    });

    it("rejects with the caller's reason when aborted during a step, making no further LM call", async () => {
      const controller = new AbortController();
      const reason = new Error('caller gave up');
      const stopper = new Tool(
        function stop() {
          controller.abort(reason);
          return 'stopped';
        },
        { args: {} },
      );
      const lm = new DummyLM([step('stop', {}), step('finish', {}), ANSWER]);
      const agent = new ReAct('question -> answer', { tools: [stopper] });
      await expect(context({ lm }, () => agent.forward({ question: 'q' }, { signal: controller.signal }))).rejects.toBe(reason);
      expect(lm.history).toHaveLength(1);
    });

    it('records the react and extract calls in the trace', async () => {
      const trace: TraceEntry[] = [];
      const lm = new DummyLM([step('finish', {}), ANSWER]);
      const agent = new ReAct('question -> answer', { tools: [searchTool()] });
      await context({ lm, trace }, () => agent.forward({ question: 'q' }));
      expect(trace.map((entry) => entry.predictor)).toEqual([agent.react, agent.extract.predict]);
    });
  });

  describe('bad configuration', () => {
    it.each([0, -1, 1.5])('rejects maxIters %p with CONFIGURATION_INVALID', (maxIters) => {
      expect(() => new ReAct('question -> answer', { tools: [], maxIters })).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
    });

    it('rejects a per-call maxIters of 0 with CONFIGURATION_INVALID', async () => {
      const agent = new ReAct('question -> answer', { tools: [] });
      await expect(agent.forward({ question: 'q' }, { maxIters: 0 })).rejects.toMatchObject({ code: 'CONFIGURATION_INVALID' });
    });

    it.each([
      ['a tool that is not a function', [42]],
      ['two tools with one name', [searchTool(), searchTool()]],
      ['a tool named finish', [function finish() {}]],
    ])('rejects %s with TOOL_INVALID', (_label, tools) => {
      expect(() => new ReAct('question -> answer', { tools: tools as never })).toThrow(expect.objectContaining({ code: 'TOOL_INVALID' }));
    });

    it('rejects unknown options with CONFIGURATION_INVALID and a did-you-mean', () => {
      expect(() => new ReAct('question -> answer', { tools: [], max_iters: 3 } as never)).toThrow(
        expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: { option: 'max_iters', suggestion: 'maxIters' } }),
      );
      expect(() => new ReAct('question -> answer', { tools: [], verbose: true } as never)).toThrow(
        expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: { option: 'verbose', suggestion: undefined } }),
      );
    });

    it('rejects an unknown per-call option instead of ignoring it', async () => {
      const agent = new ReAct('question -> answer', { tools: [] });
      await expect(agent.forward({ question: 'q' }, { lmm: new DummyLM([]) } as never)).rejects.toMatchObject({
        code: 'CONFIGURATION_INVALID',
        details: { option: 'lmm', suggestion: 'lm' },
      });
    });
  });

  describe('per-call lm and tool warnings', () => {
    it('runs both predictors on a per-call lm instead of the configured one', async () => {
      const configured = new DummyLM([]);
      const perCall = new DummyLM([step('finish', {}), ANSWER]);
      configure({ lm: configured });
      const prediction = await new ReAct('question -> answer', { tools: [searchTool()] }).forward({ question: 'q' }, { lm: perCall });
      expect(prediction.answer).toBe('Paris');
      expect([perCall.history.length, configured.history.length]).toEqual([2, 0]);
    });

    it('logs one warning naming the plain-function tools and showing how to describe them', () => {
      const { logger, records } = memoryLogger();
      function lookup(): string {
        return 'x';
      }
      function weather(): string {
        return 'sunny';
      }
      new ReAct('question -> answer', { tools: [lookup, searchTool(), weather], logger });
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ level: 40, tools: ['lookup', 'weather'] });
      expect(records[0].fix).toContain('new Tool(lookup, { description:');
      expect(records[0].fix).toContain('args:');
    });

    it('does not warn when every tool is a described Tool', () => {
      const { logger, records } = memoryLogger();
      new ReAct('question -> answer', { tools: [searchTool()], logger });
      expect(records).toHaveLength(0);
    });
  });
});
