import { BaseLM, DummyLM, type BaseLMOptions, type ChatMessage, type LMCallOptions, type LMOutput } from 'dspex';

/** Your own LM: implement forward() (one request) and copy(); BaseLM adds cache, history and usage. */
class ShoutingLM extends BaseLM {
  async forward(messages: readonly ChatMessage[], options: LMCallOptions): Promise<LMOutput> {
    const last = messages[messages.length - 1].content;
    const outputs = Array.from({ length: options.n ?? 1 }, () => last.toUpperCase());
    return { outputs, usage: { promptTokens: last.length, completionTokens: last.length, totalTokens: 2 * last.length } };
  }

  copy(overrides: Partial<BaseLMOptions> = {}): ShoutingLM {
    return new ShoutingLM(this.model, { ...this.options, cache: this.cache, ...overrides });
  }
}

export async function main(): Promise<void> {
  const shouting = new ShoutingLM('shouting', { cache: false });
  console.log((await shouting.call([{ role: 'user', content: 'hello' }])).outputs); // [ 'HELLO' ]

  // For tests and offline demos: DummyLM replays scripted replies in order.
  const dummy = new DummyLM(['first reply', 'second reply']);
  const messages: ChatMessage[] = [{ role: 'user', content: 'Anything.' }];
  console.log((await dummy.call(messages)).outputs, (await dummy.call(messages)).outputs); // [ 'first reply' ] [ 'second reply' ]
  console.log(dummy.history.length); // 2
}

if (require.main === module) void main();
