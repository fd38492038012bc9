import { ChatAdapter } from '../../lib/adapters/chat-adapter';
import { JSONAdapter } from '../../lib/adapters/json-adapter';
import { LMHttpError, LMTimeoutError } from '../../lib/errors';
import { BaseLM, type BaseLMOptions, type LMCallOptions, type LMOutput } from '../../lib/lm/base-lm';
import type { ChatMessage } from '../../lib/lm/chat-message';
import { Signature } from '../../lib/signatures/signature';

/** Replies from a script, one entry per request: completions, or an error to throw. */
class ScriptedLM extends BaseLM {
  readonly requests: { messages: readonly ChatMessage[]; options: LMCallOptions }[] = [];

  constructor(private readonly script: (string[] | Error)[]) {
    // No cache: every request must reach the script.
    super('scripted', { cache: false });
  }

  async forward(messages: readonly ChatMessage[], options: LMCallOptions): Promise<LMOutput> {
    this.requests.push({ messages, options });
    const next = this.script.shift();
    if (next === undefined) throw new LMHttpError('script exhausted', { status: 500 });
    if (next instanceof Error) throw next;
    return { outputs: next };
  }

  copy(_overrides?: Partial<BaseLMOptions>): BaseLM {
    return new ScriptedLM([...this.script]);
  }
}

const qa = Signature.parse('question -> answer: int');

function request(options: LMCallOptions = {}) {
  return { signature: qa, demos: [], inputs: { question: 'What is 2+2?' }, options };
}

describe('Adapter.call', () => {
  it('parses one result per completion when n > 1', async () => {
    const lm = new ScriptedLM([['[[ ## answer ## ]]\n4', '[[ ## answer ## ]]\n5']]);

    const results = await new ChatAdapter().call(lm, request({ n: 2 }));

    expect(results).toEqual([{ answer: 4 }, { answer: 5 }]);
  });

  it('sends the formatted messages and the call options to the LM', async () => {
    const lm = new ScriptedLM([['[[ ## answer ## ]]\n4']]);
    const adapter = new ChatAdapter();

    await adapter.call(lm, request({ temperature: 0.3 }));

    expect(lm.requests[0]).toMatchObject({ messages: adapter.format(qa, [], { question: 'What is 2+2?' }), options: { temperature: 0.3 } });
  });

  it('throws ADAPTER_PARSE for an empty reply from JSONAdapter', async () => {
    const lm = new ScriptedLM([['']]);

    await expect(new JSONAdapter().call(lm, request())).rejects.toMatchObject({ code: 'ADAPTER_PARSE', fields: ['answer'] });
  });

  it('asks JSONAdapter calls for a strict JSON schema of the outputs', async () => {
    const lm = new ScriptedLM([['{"answer": 4}']]);

    await new JSONAdapter().call(lm, request());

    expect(lm.requests[0].options.responseFormat).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'DSPyProgramOutputs',
        strict: true,
        schema: { type: 'object', properties: { answer: { type: 'integer' } }, required: ['answer'], additionalProperties: false },
      },
    });
  });

  it('asks for json_object when an output is an open-ended dict', async () => {
    const lm = new ScriptedLM([['{"answer": {"a": 1}}']]);
    const signature = Signature.parse('question -> answer: dict[str, int]');

    await new JSONAdapter().call(lm, { ...request(), signature });

    expect(lm.requests[0].options.responseFormat).toEqual({ type: 'json_object' });
  });
});

describe('ChatAdapter.call fallback', () => {
  it('retries once through JSONAdapter when the chat reply cannot be parsed', async () => {
    const lm = new ScriptedLM([['The answer is four.'], ['{"answer": 4}']]);

    const results = await new ChatAdapter().call(lm, request());

    expect(results).toEqual([{ answer: 4 }]);
    expect(lm.requests[1].messages[1].content).toContain('Respond with a JSON object');
  });

  it('retries through JSONAdapter after an empty reply', async () => {
    const lm = new ScriptedLM([[''], ['{"answer": 4}']]);

    await expect(new ChatAdapter().call(lm, request())).resolves.toEqual([{ answer: 4 }]);
  });

  it('leads with the ChatAdapter reason, the JSON attempt as its cause, when the fallback also fails', async () => {
    const lm = new ScriptedLM([['The answer is four.'], ['Still just prose.']]);

    const failure = (await new ChatAdapter().call(lm, request()).catch((error: unknown) => error)) as Error;
    expect(failure).toMatchObject({ code: 'ADAPTER_PARSE', fields: ['answer'], details: { adapter: 'ChatAdapter' } });
    expect(failure.message).not.toContain('cannot be serialized to a JSON object');
    expect(failure.message).toContain('JSONAdapter also failed');
    expect(failure.cause).toMatchObject({ code: 'ADAPTER_PARSE', details: { adapter: 'JSONAdapter' } });
    expect((failure.cause as Error).message).toContain('cannot be serialized to a JSON object');
  });

  it('throws an LM error from the JSON retry as it is', async () => {
    const lm = new ScriptedLM([['The answer is four.'], new LMHttpError('server error', { status: 503 })]);

    await expect(new ChatAdapter().call(lm, request())).rejects.toMatchObject({ code: 'LM_HTTP', status: 503 });
  });

  it('does not fall back on an LM HTTP error', async () => {
    const lm = new ScriptedLM([new LMHttpError('server error', { status: 500 }), ['{"answer": 4}']]);

    await expect(new ChatAdapter().call(lm, request())).rejects.toMatchObject({ code: 'LM_HTTP', status: 500 });
    expect(lm.requests).toHaveLength(1);
  });

  it('does not fall back on an LM timeout', async () => {
    const lm = new ScriptedLM([new LMTimeoutError('too slow'), ['{"answer": 4}']]);

    await expect(new ChatAdapter().call(lm, request())).rejects.toMatchObject({ code: 'LM_TIMEOUT' });
  });

  it('does not fall back when useJsonAdapterFallback is false', async () => {
    const lm = new ScriptedLM([['The answer is four.'], ['{"answer": 4}']]);

    await expect(new ChatAdapter({ useJsonAdapterFallback: false }).call(lm, request())).rejects.toMatchObject({
      code: 'ADAPTER_PARSE',
      details: { adapter: 'ChatAdapter' },
    });
  });

  it('rejects with the caller abort reason, unchanged and without a fallback call', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const lm = new ScriptedLM([]);
    lm.forward = async (messages, options) => {
      lm.requests.push({ messages, options });
      controller.abort(reason);
      throw new Error('aborted mid-request');
    };

    await expect(new ChatAdapter().call(lm, request({ signal: controller.signal }))).rejects.toBe(reason);
    expect(lm.requests).toHaveLength(1);
  });

  it('rejects with the abort reason before calling the LM when already aborted', async () => {
    const controller = new AbortController();
    controller.abort('stop');
    const lm = new ScriptedLM([['[[ ## answer ## ]]\n4']]);

    await expect(new ChatAdapter().call(lm, request({ signal: controller.signal }))).rejects.toBe('stop');
    expect(lm.requests).toHaveLength(0);
  });
});
