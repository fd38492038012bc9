import { BaseLM, Predict, ReAct, Tool, context, type ChatMessage, type LMCallOptions, type LMOutput } from 'dspex';
import { formatDuration, measure, record, section } from './harness';

const STEP_REPLY = '[[ ## next_thought ## ]]\nLook it up again.\n\n[[ ## next_tool_name ## ]]\nlookup\n\n[[ ## next_tool_args ## ]]\n{"topic": "tides"}';
const EXTRACT_REPLY = '[[ ## reasoning ## ]]\nThe notes say so.\n\n[[ ## answer ## ]]\nTwice a day.';

/** An LM that answers at once (a tool step, or the final answer for the extract call): what remains is framework overhead. */
class InstantAgentLM extends BaseLM {
  constructor() {
    super('instant-agent', { cache: false });
  }

  async forward(messages: readonly ChatMessage[], _options: LMCallOptions): Promise<LMOutput> {
    return { outputs: [messages[0].content.includes('next_tool_name') ? STEP_REPLY : EXTRACT_REPLY] };
  }

  copy(): InstantAgentLM {
    return new InstantAgentLM();
  }
}

/**
 * ReAct's framework cost per step with an LM that answers instantly and a tool that returns at
 * once: prompt formatting (system message cached, trajectory re-rendered), the LM call through
 * BaseLM (history kept), parsing the Literal tool name and the JSON arguments, argument
 * validation and the tool call. Per step = (10-step run − 1-step run) / 9. Target < 50 µs.
 */
export async function run(): Promise<void> {
  section('ReAct (instant LM, instant tool)');
  const lm = new InstantAgentLM();
  const lookup = new Tool(({ topic }: { topic: string }) => `Notes on ${topic}: high tide twice a day.`, {
    name: 'lookup',
    description: 'Reads the notes on a topic.',
    args: { topic: { type: 'string' } },
  });
  const agent = new ReAct('question -> answer', { tools: [lookup], maxIters: 10 });
  const inputs = { question: 'How often is high tide?' };

  const single = new Predict('question -> answer');
  await context({ lm }, async () => {
    await measure('Predict.forward, one LM call (baseline)', () => single.forward(inputs), { batch: 100, samples: 100 });
    const oneStep = await measure('ReAct.forward, 1 step + extract', () => agent.forward(inputs, { maxIters: 1 }), { batch: 50, samples: 100 });
    const tenSteps = await measure('ReAct.forward, 10 steps + extract', () => agent.forward(inputs, { maxIters: 10 }), { batch: 10, samples: 100 });
    const perStep = (tenSteps.medianNs - oneStep.medianNs) / 9;
    record('ReAct per-step framework overhead ((10 steps − 1 step) / 9)', formatDuration(perStep), '< 50.00 µs', perStep < 50_000);
  });
}
