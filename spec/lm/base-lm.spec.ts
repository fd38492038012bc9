import { BaseLM, type BaseLMOptions, type LMCallOptions, type LMOutput } from '../../lib/lm/base-lm';
import type { ChatMessage } from '../../lib/lm/chat-message';
import { LMCache } from '../../lib/lm/lm-cache';

/** A user-written LM that answers with the options it received. */
class OptionsEchoLM extends BaseLM {
  received: LMCallOptions[] = [];
  async forward(_messages: readonly ChatMessage[], options: LMCallOptions): Promise<LMOutput> {
    this.received.push(options);
    return { outputs: [`t=${String(options.temperature)}`], usage: { promptTokens: 2, completionTokens: 1, totalTokens: 3 }, cost: 0.5 };
  }
  copy(overrides: Partial<BaseLMOptions> = {}): OptionsEchoLM {
    return new OptionsEchoLM(this.model, { ...this.options, ...overrides });
  }
}

const messages: ChatMessage[] = [{ role: 'user', content: 'hi' }];

function makeLM(options: BaseLMOptions = {}): OptionsEchoLM {
  return new OptionsEchoLM('echo', { cache: false, ...options });
}

describe('BaseLM', () => {
  it('merges the call options over the defaults', async () => {
    const lm = makeLM({ temperature: 0.1, maxTokens: 5 });
    await lm.call(messages, { temperature: 0.9 });
    expect(lm.received[0]).toMatchObject({ temperature: 0.9, maxTokens: 5 });
  });

  it('records history with DSPy fields and sums usage', async () => {
    const lm = makeLM();
    await lm.call(messages);
    await lm.call(messages);
    expect(lm.usage).toEqual({ promptTokens: 4, completionTokens: 2, totalTokens: 6, cost: 1 });
    expect(lm.history[0]).toMatchObject({ prompt: null, messages, outputs: ['t=undefined'], cost: 0.5, model: 'echo', modelType: 'chat' });
    expect(typeof lm.history[0].uuid).toBe('string');
  });

  it('keeps only the last historySize entries', async () => {
    const lm = makeLM({ historySize: 2 });
    for (const temperature of [0.1, 0.2, 0.3]) await lm.call(messages, { temperature });
    expect(lm.history.map((entry) => entry.outputs[0])).toEqual(['t=0.2', 't=0.3']);
  });

  it('leaves credentials, headers and the signal out of recorded options', async () => {
    const lm = makeLM();
    await lm.call(messages, { apiKey: 'sk-secret', api_base: 'http://x', headers: { a: 'b' }, signal: new AbortController().signal, topP: 1 });
    expect(lm.history[0].options).toEqual({ topP: 1 });
  });

  it('prints the last calls as DSPy does and returns the text', async () => {
    const lm = makeLM();
    await lm.call(messages);
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const text = lm.inspectHistory(1);
      expect(text).toContain('User message:\n\nhi');
      expect(text).toContain('Response:\n\nt=undefined');
      expect(write).toHaveBeenCalledWith(text);
    } finally {
      write.mockRestore();
    }
  });

  it('caches by default', async () => {
    const lm = new OptionsEchoLM('echo', { cacheStore: new LMCache({ directory: null }) });
    await lm.call(messages);
    await lm.call(messages);
    expect(lm.received).toHaveLength(1);
    expect(lm.cache).toBe(true);
  });

  it('rejects a cache option that is not a boolean', () => {
    expect(() => new OptionsEchoLM('echo', { cache: 'yes' as never })).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });

  it('does not keep cache or cacheStore among the request defaults', () => {
    expect(new OptionsEchoLM('echo', { cache: false, cacheStore: new LMCache({ directory: null }), temperature: 0 }).options).toEqual({ temperature: 0 });
  });
});
