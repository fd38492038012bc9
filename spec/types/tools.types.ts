// Type tests: a Standard Schema types a tool's arguments; typed tools go into ReAct.
import { z } from 'zod';
import { ReAct, Tool } from 'dspex';
import { expectType, type Equal } from './expect-type';

const weatherSchema = z.object({ city: z.string(), days: z.number().int().default(1) });

export async function typedTools(): Promise<void> {
  const weather = new Tool(
    async ({ city, days }, { signal }) => {
      expectType<Equal<[typeof city, typeof days], [string, number]>>();
      signal?.throwIfAborted();
      return `Sunny in ${city} for ${days} day(s)`;
    },
    { name: 'weather', schema: weatherSchema },
  );
  // @ts-expect-error an argument the schema does not declare
  new Tool(({ town }) => town, { name: 'weather', schema: weatherSchema });
  // @ts-expect-error an argument typed differently from the schema
  new Tool((args: { city: number }) => args.city, { name: 'weather', schema: weatherSchema });
  // The older forms keep compiling: per-argument JSON schemas, a JSON Schema object, a plain function.
  const search = new Tool(async ({ query }: { query: string }) => query, { args: { query: { type: 'string' } } });
  const lookup = new Tool((args: { id: string }) => args.id, { schema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } });
  function now(): string {
    return new Date().toISOString();
  }
  // Typed tools are Tools, and ReAct takes them beside plain functions.
  const tools: Tool[] = [weather, search, lookup];
  const agent = new ReAct('question -> answer: str', { tools: [...tools, now], maxIters: 5 });
  const { answer } = await agent.forward({ question: 'Weather in Oslo?' });
  expectType<Equal<typeof answer, string>>();
}
