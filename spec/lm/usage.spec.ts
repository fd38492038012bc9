import pino from 'pino';
import { Evaluate } from '../../lib/evaluate/evaluate';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { LM, type LMOptions } from '../../lib/lm/lm';
import { LMCache } from '../../lib/lm/lm-cache';
import type { ChatMessage } from '../../lib/lm/chat-message';
import { addCosts, priceOf } from '../../lib/lm/usage';
import { Example } from '../../lib/primitives/example';
import type { LMUsage } from '../../lib/primitives/prediction';
import { configure, context, resetSettings } from '../../lib/settings/settings';
import { completion, startOpenAIServer, type OpenAIServer } from '../helpers/openai-server';
import { QA, exactAnswer } from '../helpers/qa-program';

const silent = pino({ level: 'silent' });
const messages: ChatMessage[] = [{ role: 'user', content: 'Capital of France?' }];
const tokens = { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 };
const pricing = { inputPerMillion: 3, outputPerMillion: 15 };
// 1000 × 3 / 1e6 + 200 × 15 / 1e6
const PRICED_COST = 0.006;

describe('usage and cost', () => {
  let server: OpenAIServer;

  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterAll(() => server.close());
  afterEach(() => {
    server.reset();
    resetSettings();
  });

  function makeLM(options: LMOptions = {}): LM {
    return new LM('openai/gpt-4o-mini', {
      apiKey: 'sk-test',
      baseURL: server.baseURL,
      cacheStore: new LMCache({ directory: null }),
      logger: silent,
      ...options,
    });
  }

  it('takes the cost the provider reports (usage.cost), per call and per LM, before any pricing', async () => {
    server.script(completion('Paris', { usage: { ...tokens, cost: 0.0125 } }), completion('Rome', { usage: { ...tokens, cost: 0.0025 } }));
    const lm = makeLM({ pricing });
    await lm.call(messages);
    await lm.call(messages, { rolloutId: 1, temperature: 1 });
    expect(lm.history[0]).toMatchObject({ cost: 0.0125, usage: { promptTokens: 1000, completionTokens: 200, totalTokens: 1200, cost: 0.0125 } });
    expect(lm.history[1].cost).toBe(0.0025);
    expect(lm.usage).toMatchObject({ promptTokens: 2000, completionTokens: 400, totalTokens: 2400 });
    expect(lm.usage.cost).toBeCloseTo(0.015, 12);
  });

  it('prices the tokens with the LM option `pricing` when the provider reports no cost, and never sends it', async () => {
    server.script(completion('Paris', { usage: tokens }));
    const lm = makeLM({ pricing });
    await lm.call(messages);
    expect(lm.history[0].cost).toBeCloseTo(PRICED_COST, 12);
    expect(lm.history[0].usage?.cost).toBeCloseTo(PRICED_COST, 12);
    expect(lm.usage.cost).toBeCloseTo(PRICED_COST, 12);
    expect(server.requests[0].body).not.toHaveProperty('pricing');
  });

  it('keeps the cost unknown (null, not 0) without a reported cost or pricing', async () => {
    server.script(completion('Paris', { usage: tokens }));
    const lm = makeLM();
    await lm.call(messages);
    expect(lm.history[0]).toMatchObject({ cost: null, usage: { totalTokens: 1200, cost: null } });
    expect(lm.usage).toEqual({ promptTokens: 1000, completionTokens: 200, totalTokens: 1200, cost: null });
  });

  it('adds nothing for a cache hit', async () => {
    server.script(completion('Paris', { usage: { ...tokens, cost: 0.5 } }));
    const lm = makeLM();
    await lm.call(messages);
    await lm.call(messages);
    expect(server.requests).toHaveLength(1);
    expect(lm.usage).toEqual({ promptTokens: 1000, completionTokens: 200, totalTokens: 1200, cost: 0.5 });
  });

  it.each([
    [{}],
    [{ inputPerMillion: 1 }],
    [{ inputPerMillion: -1, outputPerMillion: 1 }],
    [{ inputPerMillion: 1, outputPerMillion: Number.NaN }],
    [{ inputPerMillion: 1, outputPerMillion: 2, extra: 3 }],
    [0.5],
  ])('rejects pricing %p with CONFIGURATION_INVALID naming the option', (bad) => {
    expect(() => makeLM({ pricing: bad as never })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', message: expect.stringContaining('pricing') }),
    );
  });

  it('sums usage and cost in context({ usage }) across LMs; one unknown cost makes the total null', async () => {
    server.script(completion('a', { usage: { ...tokens, cost: 0.25 } }), completion('b', { usage: tokens }), completion('c', { usage: tokens }));
    const priced: LMUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: 0 };
    const lm = makeLM();
    await context({ usage: priced }, () => lm.call(messages));
    expect(priced).toEqual({ promptTokens: 1000, completionTokens: 200, totalTokens: 1200, cost: 0.25 });
    const mixed: LMUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: 0 };
    await context({ usage: mixed }, async () => {
      await lm.call(messages, { rolloutId: 1, temperature: 1 });
      await makeLM({ pricing }).call(messages, { rolloutId: 2, temperature: 1 });
    });
    expect(mixed.totalTokens).toBe(2400);
    expect(mixed.cost).toBeNull();
  });

  it('propagates the unknown cost of DummyLM calls: per call, per LM and per context', async () => {
    const lm = new DummyLM([{ answer: 'Paris' }]);
    const totals: LMUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: 0 };
    await context({ lm, usage: totals }, () => new QA().forward({ question: 'Capital of France?' }));
    expect(lm.history[0]).toMatchObject({ cost: null, usage: { cost: null } });
    expect(lm.usage.cost).toBeNull();
    expect(totals.cost).toBeNull();
  });

  it('returns the run total from Evaluate.run: priced calls sum, DummyLM calls are null', async () => {
    const devset = [0, 1, 2].map((index) => new Example({ question: `q${index}`, answer: 'x' }).withInputs('question'));
    const evaluate = new Evaluate({ devset, metric: exactAnswer, logger: silent, displayProgress: false });
    configure({ lm: makeLM({ pricing }) });
    server.script(...devset.map(() => completion('[[ ## answer ## ]]\nx', { usage: tokens })));
    const priced = await evaluate.run(new QA());
    expect(priced.score).toBe(100);
    expect(priced.usage).toMatchObject({ promptTokens: 3000, completionTokens: 600, totalTokens: 3600 });
    expect(priced.usage.cost).toBeCloseTo(3 * PRICED_COST, 12);
    configure({ lm: new DummyLM([{ answer: 'x' }, { answer: 'x' }, { answer: 'x' }]) });
    const unknown = await evaluate.run(new QA());
    expect(unknown.usage).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: null });
  });

  it('addCosts keeps null sticky and priceOf prices per million tokens', () => {
    expect(addCosts(1, null)).toBeNull();
    expect(addCosts(null, 0)).toBeNull();
    expect(addCosts(0.5, 0.25)).toBe(0.75);
    expect(priceOf({ promptTokens: 2_000_000, completionTokens: 1_000_000, totalTokens: 3_000_000 }, pricing)).toBe(21);
  });
});
