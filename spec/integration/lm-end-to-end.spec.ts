import pino from 'pino';
import { LM } from '../../lib/lm/lm';
import { LMCache } from '../../lib/lm/lm-cache';
import { ChainOfThought } from '../../lib/predict/chain-of-thought';
import { completion, serverError, startOpenAIServer, type OpenAIServer, type RecordedRequest } from '../helpers/openai-server';

/** Answers in ChatAdapter's format, taking the question from the last user message. */
function answerQuestions(request: RecordedRequest) {
  const messages: { role: string; content: string }[] = request.body.messages;
  const question = /\[\[ ## question ## \]\]\n(.*)/.exec(messages[messages.length - 1].content)?.[1] ?? '';
  const answer = question.includes('France') ? 'Paris' : 'Berlin';
  return completion(`[[ ## reasoning ## ]]\nThe capital is well known.\n\n[[ ## answer ## ]]\n${answer}\n\n[[ ## completed ## ]]`);
}

describe('ChainOfThought through a real LM over HTTP', () => {
  let server: OpenAIServer;

  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  beforeEach(() => {
    server.respond = answerQuestions;
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  function makeLM(): LM {
    return new LM('openai/gpt-4o-mini', {
      apiKey: 'sk-e2e',
      baseURL: server.baseURL,
      cacheStore: new LMCache({ directory: null }),
      retryBaseDelayMs: 0,
      logger: pino({ level: 'silent' }),
    });
  }

  it('formats the prompt with ChatAdapter, sends it, and parses the reasoning and answer', async () => {
    const program = new ChainOfThought('question -> answer');
    const prediction = await program.forward({ question: 'What is the capital of France?' }, { lm: makeLM() });
    expect(prediction.toJSON()).toEqual({ reasoning: 'The capital is well known.', answer: 'Paris' });
    const sent = server.requests[0].body;
    expect(sent.model).toBe('gpt-4o-mini');
    expect(sent.messages[0]).toMatchObject({ role: 'system' });
    expect(sent.messages[0].content).toContain('[[ ## reasoning ## ]]');
    expect(sent.messages[sent.messages.length - 1].content).toContain('[[ ## question ## ]]\nWhat is the capital of France?');
  });

  it('answers a repeated question from the cache: the server sees one request', async () => {
    const lm = makeLM();
    const program = new ChainOfThought('question -> answer');
    const first = await program.forward({ question: 'What is the capital of France?' }, { lm });
    const second = await program.forward({ question: 'What is the capital of France?' }, { lm });
    expect(second.toJSON()).toEqual(first.toJSON());
    expect(server.requests).toHaveLength(1);
    expect(lm.history).toHaveLength(2);
    expect(lm.usage.totalTokens).toBe(15);
  });

  it('sends a new request for a new question', async () => {
    const lm = makeLM();
    const program = new ChainOfThought('question -> answer');
    await program.forward({ question: 'What is the capital of France?' }, { lm });
    const other = await program.forward({ question: 'What is the capital of Germany?' }, { lm });
    expect(other.answer).toBe('Berlin');
    expect(server.requests).toHaveLength(2);
  });

  it('recovers from a server error through the LM retries', async () => {
    server.script(serverError(503));
    const prediction = await new ChainOfThought('question -> answer').forward({ question: 'What is the capital of France?' }, { lm: makeLM() });
    expect(prediction.answer).toBe('Paris');
    expect(server.requests).toHaveLength(2);
  });

  it('lets an LM error escape as a DspexError with its code', async () => {
    server.script({ status: 401, body: { error: { message: 'bad key' } } });
    await expect(new ChainOfThought('question -> answer').forward({ question: 'Q?' }, { lm: makeLM() })).rejects.toMatchObject({
      code: 'LM_HTTP',
      status: 401,
    });
    expect(server.requests).toHaveLength(1);
  });
});
