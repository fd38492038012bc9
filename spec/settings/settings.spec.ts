import { BaseLM, DummyLM, Predict, configure, context, resetSettings, type LMOutput } from 'dspex';
import { currentSettings } from '../../lib/settings/settings';

afterEach(() => resetSettings());

describe('settings', () => {
  it('configure sets defaults and resetSettings restores them', () => {
    const lm = new DummyLM([]);
    configure({ lm });
    expect(currentSettings().lm).toBe(lm);
    resetSettings();
    expect(currentSettings().lm).toBeUndefined();
  });

  it('context overrides only inside the callback', async () => {
    const outer = new DummyLM([]);
    const inner = new DummyLM([]);
    configure({ lm: outer });
    const seen = await context({ lm: inner }, async () => {
      await Promise.resolve();
      return currentSettings().lm;
    });
    expect(seen).toBe(inner);
    expect(currentSettings().lm).toBe(outer);
  });

  it.each([[{ lmm: 1 }], [{ lm: 'gpt-4' }], [{ adapter: {} }], [{ trace: 'yes' }], [{ maxTraceSize: 0 }]])(
    'rejects invalid settings %p with CONFIGURATION_INVALID',
    (settings) => {
      expect(() => configure(settings as never)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
    },
  );

  it('rejects an unknown setting with did-you-mean details in configure and context', () => {
    expect(() => configure({ adaptor: {} } as never)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: { option: 'adaptor', suggestion: 'adapter' } }),
    );
    expect(() => context({ lms: new DummyLM([]) } as never, () => 1)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: { option: 'lms', suggestion: 'lm' } }),
    );
    expect(() => configure({ verbose: true } as never)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: { option: 'verbose', suggestion: undefined } }),
    );
  });

  it('context needs a function', () => {
    expect(() => context({}, 'nope' as never)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });
});

describe('usage per context', () => {
  class CountingLM extends BaseLM {
    constructor() {
      super('counting', { cache: false });
    }
    async forward(): Promise<LMOutput> {
      return { outputs: ['[[ ## a ## ]]\nx'], usage: { promptTokens: 10, completionTokens: 2, totalTokens: 12 } };
    }
    copy(): CountingLM {
      return new CountingLM();
    }
  }

  it('sums the usage of every LM call inside the context, nested contexts included', async () => {
    const lm = new CountingLM();
    const outer = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    const inner = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    await context({ lm, usage: outer }, async () => {
      await new Predict('q -> a').forward({ q: '1' });
      await context({ usage: inner }, () => new Predict('q -> a').forward({ q: '2' }));
    });
    await new Predict('q -> a').forward({ q: '3' }, { lm });
    expect(outer).toEqual({ promptTokens: 20, completionTokens: 4, totalTokens: 24, cost: null });
    expect(inner).toEqual({ promptTokens: 10, completionTokens: 2, totalTokens: 12, cost: null });
    expect(lm.usage.totalTokens).toBe(36);
  });

  it('rejects usage in configure and malformed totals', () => {
    expect(() => configure({ usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID' }),
    );
    expect(() => context({ usage: {} as never }, () => 1)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });
});
