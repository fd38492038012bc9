import { BaseLM, DummyLM, context, type BaseLMOptions, type ChatMessage, type LMOutput, type LMUsage } from 'dspex';

/** Stands in for a server: reports 1,000 prompt and 200 completion tokens per call, and no cost. */
class CountingLM extends BaseLM {
  async forward(): Promise<LMOutput> {
    return { outputs: ['ok'], usage: { promptTokens: 1000, completionTokens: 200, totalTokens: 1200 } };
  }

  copy(overrides: Partial<BaseLMOptions> = {}): CountingLM {
    return new CountingLM(this.model, { ...this.options, cache: false, ...overrides });
  }
}

export async function main(): Promise<void> {
  const messages: ChatMessage[] = [{ role: 'user', content: 'Hi.' }];
  // Dollars per million tokens; used when the provider does not report a cost itself.
  const lm = new CountingLM('counting', { cache: false, pricing: { inputPerMillion: 3, outputPerMillion: 15 } });

  const totals: LMUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: 0 };
  await context({ usage: totals }, async () => {
    await lm.call(messages);
    await lm.call(messages);
  });
  console.log(lm.history[0].cost); // 0.006
  console.log(totals); // { promptTokens: 2000, completionTokens: 400, totalTokens: 2400, cost: 0.012 }

  // An LM without prices (DummyLM here) has an unknown cost: null, never 0, and so has any total including it.
  await context({ usage: totals }, () => new DummyLM(['ok']).call(messages));
  console.log(totals.cost, lm.usage.cost); // null 0.012
}

if (require.main === module) void main();
