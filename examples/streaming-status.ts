import { DummyLM, ReAct, StatusMessage, StatusMessageProvider, StreamChunk, Tool, configure, streamify } from 'dspex';

/** Announce each module as it starts, on top of the default tool messages. */
class Progress extends StatusMessageProvider {
  override moduleStartStatusMessage(instance: object): string {
    return `Running ${instance.constructor.name}...`;
  }
}

export async function main(): Promise<void> {
  const search = new Tool(({ query }: { query: string }) => `Results for ${query}: Paris is the capital of France.`, {
    name: 'search',
    description: 'Search the web.',
    args: { query: { type: 'string' } },
  });
  configure({
    lm: new DummyLM([
      { next_thought: 'Look it up.', next_tool_name: 'search', next_tool_args: { query: 'capital of France' } },
      { next_thought: 'I know it now.', next_tool_name: 'finish', next_tool_args: {} },
      { reasoning: 'The search says Paris.', answer: 'Paris' },
    ]),
  });
  const agent = streamify(new ReAct('question -> answer', { tools: [search] }), { statusMessageProvider: new Progress() });

  for await (const item of agent({ question: 'What is the capital of France?' })) {
    if (item instanceof StatusMessage) console.log(`[status] ${item.message}`);
    else if (item instanceof StreamChunk && item.field === 'answer') console.log(`[answer] ${item.chunk}`);
  }
  // [status] Running ReAct...
  // [status] Running Predict...
  // [status] Calling tool search...
  // [status] Tool calling finished! Querying the LLM with tool calling results...
  // [status] Running Predict...
  // [status] Running ChainOfThought...
  // [status] Running Predict...
  // [answer] Paris
}

if (require.main === module) void main();
