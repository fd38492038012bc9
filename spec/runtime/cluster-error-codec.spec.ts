import { ChildOverloadedError, DspexError, LMHttpError, ModuleCrashedError, ModuleExit } from '../../lib/errors';
import { decodeError, encodeError } from '../../lib/runtime/cluster-error-codec';
import { bullPriorityOf } from '../../lib/runtime/cluster-protocol';

/** Through JSON, as a job result travels from a worker to its caller. */
const roundTrip = (error: unknown): Error => decodeError(JSON.parse(JSON.stringify(encodeError(error))));

describe('cluster error codec', () => {
  it('rebuilds a dspex error as the same class with its code, message, details and cause as text', () => {
    const original = new ModuleCrashedError('it crashed', { cause: new TypeError('boom'), details: { id: 'qa', reason: 'error' } });
    const rebuilt = roundTrip(original);
    expect(rebuilt).toBeInstanceOf(ModuleCrashedError);
    expect(rebuilt).toMatchObject({ name: 'ModuleCrashedError', code: 'MODULE_CRASHED', message: 'it crashed', details: { id: 'qa', reason: 'error' } });
    expect((rebuilt.cause as Error).message).toBe('TypeError: boom');
    expect(DspexError.is(rebuilt)).toBe(true);
  });

  it('keeps typed fields such as LMHttpError.status, and a dspex cause keeps its code', () => {
    const rebuilt = roundTrip(new LMHttpError('teapot', { status: 418, cause: new ChildOverloadedError('full') }));
    expect(rebuilt).toBeInstanceOf(LMHttpError);
    expect(rebuilt).toMatchObject({ code: 'LM_HTTP', status: 418 });
    expect(rebuilt.cause).toMatchObject({ message: 'ChildOverloadedError: full', code: 'CHILD_OVERLOADED' });
  });

  it('rebuilds ModuleExit with its reason, and a non-dspex error as a plain Error with its name', () => {
    expect(roundTrip(new ModuleExit())).toMatchObject({ code: 'MODULE_EXIT', reason: 'normal' });
    const plain = roundTrip(new RangeError('out of range'));
    expect(plain).toMatchObject({ name: 'RangeError', message: 'out of range' });
    expect(DspexError.is(plain)).toBe(false);
  });

  it('maps dspex priorities (higher first) onto BullMQ priorities (lower first)', () => {
    const ordered = [10, 1, 0, -1, -10].map(bullPriorityOf);
    expect([...ordered].sort((left, right) => left - right)).toEqual(ordered);
    expect(Math.min(...[1e9, -1e9].map(bullPriorityOf))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...[1e9, -1e9].map(bullPriorityOf))).toBeLessThanOrEqual(2_097_151);
  });
});
