import { DummyLM } from '../../lib/lm/dummy-lm';
import { clearHistory, historyBytesHeld, lastGlobalCalls, resetHistoryLimit } from '../../lib/lm/global-history';
import { inspectHistory } from '../../lib/lm/inspect-history';
import { Module } from '../../lib/primitives/module';
import { clearHistory as exportedClearHistory } from 'dspex';

const big = (index: number): { role: 'user'; content: string }[] => [{ role: 'user', content: `${index} ${'x'.repeat(10_000)}` }];

describe('LM histories', () => {
  const saved = process.env.DSPEX_HISTORY_MAX_BYTES;
  let stdout: jest.SpyInstance;

  beforeEach(() => {
    clearHistory();
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stdout.mockRestore();
    if (saved === undefined) delete process.env.DSPEX_HISTORY_MAX_BYTES;
    else process.env.DSPEX_HISTORY_MAX_BYTES = saved;
    resetHistoryLimit();
  });

  it('bounds one LM history by historyMaxBytes, oldest first, keeping the newest call', async () => {
    const lm = new DummyLM(
      Array.from({ length: 20 }, (_, index) => `reply ${index}`),
      { historyMaxBytes: 100_000 },
    );
    for (let index = 0; index < 20; index += 1) await lm.call(big(index));
    expect(lm.history.length).toBeGreaterThan(0);
    expect(lm.history.length).toBeLessThan(20);
    expect(lm.history[lm.history.length - 1].outputs).toEqual(['reply 19']);
    const tiny = new DummyLM(['only'], { historyMaxBytes: 1 });
    await tiny.call(big(0));
    expect(tiny.history).toHaveLength(1);
  });

  it('bounds all histories of the process together by DSPEX_HISTORY_MAX_BYTES', async () => {
    process.env.DSPEX_HISTORY_MAX_BYTES = '200000';
    resetHistoryLimit();
    const lms = Array.from({ length: 5 }, () => new DummyLM(Array.from({ length: 20 }, () => 'ok')));
    for (let round = 0; round < 20; round += 1) for (const lm of lms) await lm.call(big(round));
    expect(historyBytesHeld()).toBeLessThanOrEqual(200_000);
    const kept = lms.reduce((sum, lm) => sum + lm.history.length, 0);
    expect(kept).toBeLessThan(100);
    expect(kept).toBeGreaterThan(0);
    // The per-LM and process-wide views agree on what is left.
    expect(lastGlobalCalls(1_000).length).toBe(kept);
  });

  it('bounds the process-wide history to 10,000 calls', async () => {
    const lm = new DummyLM(() => 'ok', { historySize: 0 });
    for (let index = 0; index < 10_050; index += 1) await lm.call([{ role: 'user', content: String(index) }]);
    const calls = lastGlobalCalls(20_000);
    expect(calls).toHaveLength(10_000);
    expect(calls[0].messages[0].content).toBe('50');
    expect(lm.history).toHaveLength(0);
  });

  it('clearHistory() empties the process-wide history and lm.clearHistory() only the LM one, freeing what neither holds', async () => {
    expect(exportedClearHistory).toBe(clearHistory);
    // Histories of earlier tests' LMs still hold their calls; count from here.
    const before = historyBytesHeld();
    const lm = new DummyLM(['a', 'b']);
    await lm.call(big(1));
    clearHistory();
    expect(inspectHistory(5)).toBe('\n');
    expect(lm.history).toHaveLength(1);
    expect(historyBytesHeld() - before).toBeGreaterThan(20_000);
    await lm.call(big(2));
    lm.clearHistory();
    expect(lm.history).toHaveLength(0);
    expect(lastGlobalCalls(5)).toHaveLength(1);
    clearHistory();
    expect(historyBytesHeld()).toBe(before);
  });
});

describe('inspectHistory(n)', () => {
  class Empty extends Module {
    async forward(): Promise<never> {
      throw new Error('not called');
    }
  }
  const entryPoints: [string, (n: unknown) => string][] = [
    ['inspectHistory', (n) => inspectHistory(n as number)],
    ['lm.inspectHistory', (n) => new DummyLM([]).inspectHistory(n as number)],
    ['module.inspectHistory', (n) => new Empty().inspectHistory(n as number)],
  ];

  it.each(entryPoints.flatMap(([name, call]) => [0, -1, 1.5, 'x', Symbol('n'), 10n, null].map((n) => [name, call, n] as const)))(
    '%s rejects n = %p with CONFIGURATION_INVALID',
    (name, call, n) => {
      expect(() => call(n)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID', message: expect.stringContaining(`${name}`) }));
    },
  );
});
