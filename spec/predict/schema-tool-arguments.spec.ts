import type { StandardSchemaV1 } from '@standard-schema/spec';
import { z } from 'zod';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { ReAct } from '../../lib/predict/react';
import { Tool } from '../../lib/predict/tool';
import { context, resetSettings } from '../../lib/settings/settings';

afterEach(() => resetSettings());

const weatherSchema = z.object({
  city: z.string().describe('The city'),
  days: z.number().int().min(1).max(7).default(1),
});

function weatherTool(calls: unknown[] = []): Tool<typeof weatherSchema> {
  return new Tool(
    function weather(args) {
      calls.push(args);
      return `Sunny in ${args.city} for ${args.days} day(s)`;
    },
    { description: 'Forecast for a city.', schema: weatherSchema },
  );
}

/** A Standard Schema whose validation is asynchronous (as a validator that looks something up). */
const asyncCitySchema: StandardSchemaV1<{ city: string }, { city: string }> = {
  '~standard': {
    version: 1,
    vendor: 'spec',
    validate: async (value) => {
      await Promise.resolve();
      const city = (value as { city?: unknown }).city;
      return typeof city === 'string' && city !== 'Atlantis' ? { value: { city } } : { issues: [{ message: 'no such city', path: ['city'] }] };
    },
  },
};

describe('Tool with a schema for its arguments', () => {
  describe('a Standard Schema (Zod 4)', () => {
    it("prints each argument's name, type and description from the schema's input JSON Schema", () => {
      expect(weatherTool().args).toEqual({
        city: { type: 'string', description: 'The city' },
        days: { type: 'integer', minimum: 1, maximum: 7, default: 1 },
      });
      expect(weatherTool().format()).toBe(
        "weather, whose description is <desc>Forecast for a city.</desc>. It takes arguments {'city': {'type': 'string', 'description': 'The city'}, 'days': {'default': 1, 'type': 'integer', 'minimum': 1, 'maximum': 7}}.",
      );
    });

    it("calls the function with the validator's output (defaults applied)", async () => {
      const calls: unknown[] = [];
      await expect(weatherTool(calls).call({ city: 'Oslo' })).resolves.toBe('Sunny in Oslo for 1 day(s)');
      expect(calls).toEqual([{ city: 'Oslo', days: 1 }]);
    });

    it("refuses invalid arguments with the validator's issues, per argument, and an unknown argument as DSPy does", async () => {
      const calls: unknown[] = [];
      await expect(weatherTool(calls).call({ city: 3, days: 9 })).rejects.toMatchObject({
        code: 'TOOL_INVALID',
        details: {
          tool: 'weather',
          problem: 'Arg city is invalid: Invalid input: expected string, received number; Arg days is invalid: Too big: expected number to be <=7',
        },
      });
      await expect(weatherTool(calls).call({ city: 'Oslo', town: 'x' })).rejects.toMatchObject({
        details: { problem: "Arg town is not in the tool's args." },
      });
      expect(calls).toEqual([]);
    });

    it('awaits an asynchronous validator', async () => {
      const tool = new Tool(({ city }) => `found ${city}`, { name: 'find', schema: asyncCitySchema });
      expect(tool.args).toEqual({});
      await expect(tool.call({ city: 'Oslo' })).resolves.toBe('found Oslo');
      await expect(tool.call({ city: 'Atlantis' })).rejects.toMatchObject({ details: { problem: 'Arg city is invalid: no such city' } });
    });
  });

  describe('a JSON Schema of the argument object', () => {
    const schema = {
      type: 'object',
      properties: { query: { type: 'string', description: 'What to look up' }, limit: { type: 'integer', default: 3 }, lang: { type: 'string' } },
      required: ['query'],
    } as const;

    it('prints its properties and requires the names in required', async () => {
      const calls: unknown[] = [];
      const tool = new Tool(
        function search(args: { query: string }) {
          calls.push(args);
          return 'ok';
        },
        { schema },
      );
      expect(tool.format()).toBe(
        "search. It takes arguments {'query': {'type': 'string', 'description': 'What to look up'}, 'limit': {'type': 'integer', 'default': 3}, 'lang': {'type': 'string'}}.",
      );
      await tool.call({ query: 'tides' });
      expect(calls).toEqual([{ query: 'tides', limit: 3 }]);
      await expect(tool.call({ limit: 2 })).rejects.toMatchObject({ details: { problem: "search() missing 1 required argument: 'query'" } });
      await expect(tool.call({ query: 1 })).rejects.toMatchObject({ details: { problem: "Arg query is invalid: 1 is not of type 'string'" } });
    });
  });

  it.each([
    ['schema and args together', { schema: weatherSchema, args: { city: { type: 'string' } } }],
    ['a schema that is neither', { schema: { properties: {} } }],
    ['a JSON Schema whose required is not a list of names', { schema: { type: 'object', properties: {}, required: 'city' } }],
  ])('rejects %s with TOOL_INVALID', (_label, options) => {
    expect(() => new Tool(function weather() {}, options as never)).toThrow(expect.objectContaining({ code: 'TOOL_INVALID' }));
  });

  it('works in ReAct: validated, typed arguments reach the tool, and invalid ones become an observation', async () => {
    const calls: unknown[] = [];
    const step = (tool: string, args: unknown): Record<string, unknown> => ({ next_thought: 'thinking', next_tool_name: tool, next_tool_args: args });
    const lm = new DummyLM([
      step('weather', { city: 7 }),
      step('weather', { city: 'Oslo', days: 2 }),
      step('finish', {}),
      { reasoning: 'Done.', answer: 'Sunny' },
    ]);
    const agent = new ReAct('question -> answer', { tools: [weatherTool(calls)] });
    const prediction = await context({ lm }, () => agent.forward({ question: 'Weather in Oslo?' }));
    expect(calls).toEqual([{ city: 'Oslo', days: 2 }]);
    expect(prediction.trajectory).toMatchObject({
      observation_0: 'Execution error in weather: Arg city is invalid: Invalid input: expected string, received number',
      observation_1: 'Sunny in Oslo for 2 day(s)',
    });
    expect(lm.history[0].messages[0].content).toContain(
      "(1) weather, whose description is <desc>Forecast for a city.</desc>. It takes arguments {'city': {'type': 'string', 'description': 'The city'}, 'days': {'default': 1, 'type': 'integer', 'minimum': 1, 'maximum': 7}}.",
    );
    expect(prediction.answer).toBe('Sunny');
  });
});
