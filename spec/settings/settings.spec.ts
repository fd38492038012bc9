import { DummyLM, configure, context, resetSettings } from 'dspex';
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

  it('context needs a function', () => {
    expect(() => context({}, 'nope' as never)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });
});
