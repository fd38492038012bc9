import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Tool } from 'dspex';

/** The arguments of a tool, declared as a class: class-validator checks what the model sends. */
class ForecastArgs {
  @IsString() city!: string;
  @IsInt() @Min(1) @Max(7) days = 3;
  @IsOptional() @IsIn(['C', 'F']) unit?: string;
}

/** Declaring tools: a JSON schema or a decorated class; how the model sees them; what bad arguments give. */
export async function main(): Promise<void> {
  const search = new Tool(async ({ query }: { query: string }) => `Results for ${query}`, {
    name: 'search',
    description: 'Search the web for a query.',
    args: { query: { type: 'string' } },
  });
  console.log(search.format()); // search, whose description is <desc>Search the web for a query.</desc>. It takes arguments {'query': {'type': 'string'}}.

  const forecast = new Tool((args: ForecastArgs) => `${args.days}-day forecast for ${args.city}: sunny`, {
    name: 'forecast',
    description: 'Weather forecast for a city.',
    args: ForecastArgs,
    timeoutMs: 5_000,
  });
  console.log(forecast.format()); // … It takes arguments {'city': {'type': 'string'}, 'days': {'type': 'integer', 'minimum': 1, 'maximum': 7, 'default': 3}, 'unit': {…}}.
  console.log(await forecast.call({ city: 'Oslo' })); // 3-day forecast for Oslo: sunny

  // Inside ReAct, a refused call becomes the observation "Execution error in forecast: …"; called directly, it throws.
  try {
    await forecast.call({ city: 'Oslo', days: 30 });
  } catch (error) {
    const { code, details } = error as { code: string; details: { problem: string } };
    console.log(code, details.problem); // TOOL_INVALID Arg days is invalid: days must not be greater than 7
  }
}

if (require.main === module) void main();
