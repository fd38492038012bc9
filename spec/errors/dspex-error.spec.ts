import { DspexError, ModuleExit } from '../../lib';

describe('DspexError', () => {
  it('keeps its code, message, cause and details', () => {
    const cause = new Error('low');
    const error = new ModuleExit('done', { cause, details: { childId: 'a' } });
    expect([error.code, error.message, error.cause, error.details]).toEqual(['MODULE_EXIT', 'done', cause, { childId: 'a' }]);
    expect(DspexError.is(error)).toBe(true);
  });

  it('turns any message into text, a Symbol included, instead of failing to be built', () => {
    expect(new ModuleExit(Symbol('bye') as unknown as string).message).toBe('Symbol(bye)');
    expect(new ModuleExit(42 as unknown as string).message).toBe('42');
    expect(new ModuleExit(undefined).message).toMatch(/ended itself normally/);
  });

  it('takes null or odd options as none', () => {
    const error = new ModuleExit('done', null as unknown as undefined);
    expect([error.cause, error.details]).toEqual([undefined, {}]);
    expect(new ModuleExit('done', { details: 'x' as unknown as Record<string, unknown> }).details).toEqual({});
  });
});
