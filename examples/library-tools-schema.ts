import { z } from 'zod';
import { Tool } from 'dspex';

/** The arguments of a tool, declared as a Zod schema: typed in your function, validated at run time. */
const forecastArgs = z.object({
  city: z.string().describe('The city to forecast'),
  days: z.number().int().min(1).max(7).default(3),
});

export async function main(): Promise<void> {
  const forecast = new Tool(
    // `city` is a string and `days` a number, inferred from the schema; defaults are filled in.
    ({ city, days }) => `${days}-day forecast for ${city}: sunny`,
    { name: 'forecast', description: 'Weather forecast for a city.', schema: forecastArgs },
  );
  console.log(forecast.format()); // … It takes arguments {'city': {'type': 'string', 'description': 'The city to forecast'}, 'days': {…}}.
  console.log(await forecast.call({ city: 'Oslo' })); // 3-day forecast for Oslo: sunny

  try {
    await forecast.call({ city: 'Oslo', days: 30 });
  } catch (error) {
    const { code, details } = error as { code: string; details: { problem: string } };
    console.log(code, details.problem); // TOOL_INVALID Arg days is invalid: Too big: expected number to be <=7
  }
}

if (require.main === module) void main();
