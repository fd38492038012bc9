import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Tool } from '../../lib/predict/tool';

describe('Tool', () => {
  describe('construction', () => {
    it('takes the name of a named function and declares no arguments', () => {
      async function lookup(): Promise<string> {
        return 'x';
      }
      const tool = Tool.from(lookup);
      expect(tool).toMatchObject({ name: 'lookup', description: undefined, args: {}, timeoutMs: undefined });
      expect(tool.format()).toBe('lookup. It takes arguments {}.');
    });

    it('prints its line as DSPy does, with Python-style argument schemas', () => {
      const tool = new Tool(() => 'ok', {
        name: 'search',
        description: 'Search the web\nfor a query.',
        args: { query: { type: 'string' }, exact: { type: 'boolean', default: false } },
      });
      expect(tool.format()).toBe(
        "search, whose description is <desc>Search the web  for a query.</desc>. It takes arguments {'query': {'type': 'string'}, 'exact': {'type': 'boolean', 'default': False}}.",
      );
    });

    it('rejects a function without a name with TOOL_INVALID', () => {
      expect(
        () =>
          new Tool(
            (
              () => () =>
                1
            )(),
          ),
      ).toThrow(expect.objectContaining({ code: 'TOOL_INVALID' }));
    });

    it.each([
      ['a non-function', () => new Tool('search' as never)],
      ['unknown options', () => new Tool(function search() {}, { desc: 'x' } as never)],
      ['a timeout of zero', () => new Tool(function search() {}, { timeoutMs: 0 })],
      ['args that are not schemas', () => new Tool(function search() {}, { args: { query: 'string' } as never })],
    ])('rejects %s with TOOL_INVALID', (_label, build) => {
      expect(build).toThrow(expect.objectContaining({ code: 'TOOL_INVALID' }));
    });

    it('names an unknown option, and a near miss with a did-you-mean', () => {
      expect(() => new Tool(function search() {}, { descripton: 'x' } as never)).toThrow(
        expect.objectContaining({ code: 'TOOL_INVALID', details: { tool: 'search', option: 'descripton', suggestion: 'description' } }),
      );
      expect(() => new Tool(function search() {}, { retries: 2 } as never)).toThrow(
        expect.objectContaining({ code: 'TOOL_INVALID', details: { tool: 'search', option: 'retries', suggestion: undefined } }),
      );
    });

    it('rejects a timeout longer than a timer can wait', () => {
      expect(() => new Tool(function search() {}, { timeoutMs: 2 ** 31 })).toThrow(
        expect.objectContaining({ code: 'TOOL_INVALID', details: { tool: 'search', option: 'timeoutMs' } }),
      );
    });
  });

  describe('call with JSON-schema arguments', () => {
    const calls: unknown[] = [];
    const weather = new Tool(
      (args: { city: string; days: number }) => {
        calls.push(args);
        return `sunny in ${args.city} for ${args.days} days`;
      },
      { name: 'weather', args: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, default: 3 } } },
    );

    beforeEach(() => {
      calls.length = 0;
    });

    it('calls the function with one object of named arguments, defaults filled in', async () => {
      await expect(weather.call({ city: 'Paris' })).resolves.toBe('sunny in Paris for 3 days');
      expect(calls).toEqual([{ city: 'Paris', days: 3 }]);
    });

    it.each([
      [{ city: 3 }, "Arg city is invalid: 3 is not of type 'string'"],
      [{ city: 'Paris', days: 0 }, 'Arg days is invalid: 0 is less than the minimum of 1'],
      [{ city: 'Paris', when: 'today' }, "Arg when is not in the tool's args."],
      [{ days: 2 }, "weather() missing 1 required argument: 'city'"],
    ])('refuses %j with DSPy-worded details.problem and does not call the function', async (args, problem) => {
      await expect(weather.call(args)).rejects.toMatchObject({ code: 'TOOL_INVALID', details: { tool: 'weather', problem } });
      expect(calls).toEqual([]);
    });

    it('refuses arguments that are not an object', async () => {
      await expect(weather.call(['Paris'])).rejects.toMatchObject({ code: 'TOOL_INVALID', details: { tool: 'weather' } });
    });
  });

  describe('call with class-validator arguments', () => {
    class ForecastArgs {
      @IsString() city!: string;
      @IsInt() @Min(1) @Max(7) days = 3;
      @IsOptional() @IsIn(['C', 'F']) unit?: string;
    }
    const forecast = new Tool((args: ForecastArgs) => args, { name: 'forecast', args: ForecastArgs });

    it('prints a schema built from the decorators, with initializers as defaults', () => {
      expect(forecast.args).toEqual({
        city: { type: 'string' },
        days: { type: 'integer', minimum: 1, maximum: 7, default: 3 },
        unit: { type: 'string', enum: ['C', 'F'] },
      });
    });

    it('calls the function with an instance of the class', async () => {
      const received = await forecast.call({ city: 'Oslo', unit: 'C' });
      expect(received).toBeInstanceOf(ForecastArgs);
      expect(received).toMatchObject({ city: 'Oslo', days: 3, unit: 'C' });
    });

    it.each([
      [{ city: 'Oslo', days: 9 }, 'Arg days is invalid: days must not be greater than 7'],
      [{ city: 'Oslo', zone: 'x' }, "Arg zone is not in the tool's args."],
      [{ days: 2 }, "forecast() missing 1 required argument: 'city'"],
    ])('refuses %j with TOOL_INVALID', async (args, problem) => {
      await expect(forecast.call(args)).rejects.toMatchObject({ code: 'TOOL_INVALID', details: { problem } });
    });
  });

  describe('failures of the function', () => {
    it('wraps a thrown error in TOOL_INVALID with the cause and its message as the problem', async () => {
      const boom = new Error('disk full');
      const tool = new Tool(function save() {
        throw boom;
      });
      await expect(tool.call({})).rejects.toMatchObject({ code: 'TOOL_INVALID', cause: boom, details: { problem: 'disk full' } });
    });

    it('gives up on a hung call after timeoutMs and passes the function an aborted signal', async () => {
      jest.useFakeTimers();
      try {
        let seen: AbortSignal | undefined;
        const tool = new Tool(
          (_args: never, { signal }) => {
            seen = signal;
            return new Promise(() => {});
          },
          { name: 'hang', timeoutMs: 250 },
        );
        const pending = tool.call({});
        const outcome = expect(pending).rejects.toMatchObject({
          code: 'TOOL_INVALID',
          details: { tool: 'hang', timeoutMs: 250, problem: 'Tool hang timed out after 250 ms' },
        });
        await jest.advanceTimersByTimeAsync(250);
        await outcome;
        expect(seen?.aborted).toBe(true);
      } finally {
        jest.useRealTimers();
      }
    });

    it("rejects with the caller's own reason when the caller aborts", async () => {
      const controller = new AbortController();
      const reason = new Error('user left');
      const tool = new Tool(function wait() {
        controller.abort(reason);
        return new Promise(() => {});
      });
      await expect(tool.call({}, { signal: controller.signal })).rejects.toBe(reason);
    });
  });
});
