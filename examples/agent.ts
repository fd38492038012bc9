import { DummyLM, ReAct, Tool, configure } from 'dspex';

const POPULATION: Record<string, number> = { Paris: 2_102_650, Lyon: 522_250 };

/** Tool 1, a plain async function: its name is the tool name; it takes one object of named arguments. */
async function population({ city }: { city: string }): Promise<string> {
  const people = POPULATION[city];
  return people === undefined ? `No figure for ${city}.` : `${city} has ${people} inhabitants.`;
}

/** Tool 2, a Tool with a description and a JSON schema: arguments that do not fit are reported back to the model. */
const multiply = new Tool(({ a, b }: { a: number; b: number }) => a * b, {
  name: 'multiply',
  description: 'Multiplies two numbers.',
  args: { a: { type: 'number' }, b: { type: 'number' } },
  timeoutMs: 1_000,
});

/** A ReAct agent with two local tools, run offline on scripted replies. */
export async function main(): Promise<void> {
  // Each scripted reply is one model turn: a thought, a tool name and its arguments; the last one answers.
  configure({
    lm: new DummyLM([
      { next_thought: 'I need the population of Paris.', next_tool_name: 'population', next_tool_args: { city: 'Paris' } },
      { next_thought: 'Now double it.', next_tool_name: 'multiply', next_tool_args: { a: 2_102_650, b: 'two' } },
      { next_thought: 'b must be a number.', next_tool_name: 'multiply', next_tool_args: { a: 2_102_650, b: 2 } },
      { next_thought: 'I have everything.', next_tool_name: 'finish', next_tool_args: {} },
      { reasoning: 'Paris has 2,102,650 inhabitants; twice that is 4,205,300.', answer: 4_205_300 },
    ]),
  });

  const agent = new ReAct('question -> answer: int', { tools: [population, multiply], maxIters: 6 });
  const prediction = await agent.forward({ question: 'What is twice the population of Paris?' });

  const trajectory = prediction.trajectory as Record<string, unknown>;
  console.log(trajectory.observation_0); // Paris has 2102650 inhabitants.
  console.log(trajectory.observation_1); // Execution error in multiply: Arg b is invalid: 'two' is not of type 'number'
  console.log(trajectory.observation_2); // 4205300
  console.log(prediction.answer); // 4205300
  console.log(agent.namedPredictors().map(([name]) => name)); // [ 'react', 'extract.predict' ]
}

if (require.main === module) void main();
