import { DummyLM } from '../../lib/lm/dummy-lm';
import type { LMStreamItem } from '../../lib/lm/lm-stream-item';

async function collect(items: AsyncIterable<LMStreamItem>): Promise<LMStreamItem[]> {
  const out: LMStreamItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('DummyLM.stream', () => {
  it('streams each reply in pieces of streamChunkSize characters, then zero usage', async () => {
    const lm = new DummyLM(['Hello world'], { streamChunkSize: 4 });
    expect(await collect(lm.stream([{ role: 'user', content: 'hi' }], {}))).toEqual([
      'Hell',
      'o wo',
      'rld',
      { usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } },
    ]);
  });

  it('streams a reply as one piece without streamChunkSize', async () => {
    const lm = new DummyLM([{ answer: 'Paris' }]);
    const items = await collect(lm.stream([{ role: 'user', content: 'hi' }], {}));
    expect(items).toEqual(['[[ ## answer ## ]]\nParis', expect.objectContaining({ usage: expect.any(Object) })]);
  });

  it('never splits a surrogate pair', async () => {
    const lm = new DummyLM(['a😀b😀'], { streamChunkSize: 2 });
    const pieces = (await collect(lm.stream([{ role: 'user', content: 'hi' }], {}))).filter((item): item is string => typeof item === 'string');
    expect(pieces.join('')).toBe('a😀b😀');
    for (const piece of pieces) expect(piece).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
  });

  it('keeps streamChunkSize in copies', async () => {
    const copy = new DummyLM(['abcdef'], { streamChunkSize: 3 }).copy();
    expect(await collect(copy.stream([{ role: 'user', content: 'hi' }], {}))).toEqual(['abc', 'def', expect.any(Object)]);
  });

  it.each([0, 1.5, '4'])('rejects streamChunkSize %p with CONFIGURATION_INVALID', (size) => {
    expect(() => new DummyLM([], { streamChunkSize: size as number })).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });
});
