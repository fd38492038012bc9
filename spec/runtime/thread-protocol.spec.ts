import { parseThreadMessage } from '../../lib/runtime/thread-protocol';

/** What comes from a worker thread is data: only messages of the protocol's shape are accepted. */
describe('parseThreadMessage', () => {
  it('accepts the protocol messages', () => {
    expect(parseThreadMessage({ type: 'ready', state: { parameters: {} }, shared: [] })).toEqual({ type: 'ready', state: { parameters: {} }, shared: [] });
    const parameter = {
      key: 'k',
      path: 'sub.k',
      value: 0.5,
      type: 'number',
      nullProblems: ['k must be a number'],
      bounds: { min: 0, max: 1, isInt: false, allowed: [0, 0.5] },
    };
    expect(parseThreadMessage({ type: 'ready', state: {}, shared: [parameter] })).toEqual({ type: 'ready', state: {}, shared: [parameter] });
    expect(parseThreadMessage({ type: 'shared', key: 'k', value: [1] })).toEqual({ type: 'shared', key: 'k', value: [1] });
    expect(parseThreadMessage({ type: 'shared-rejected', key: 'k', problems: ['p'] })).toEqual({ type: 'shared-rejected', key: 'k', problems: ['p'] });
    expect(parseThreadMessage({ type: 'state', state: {} })).toEqual({ type: 'state', state: {} });
    expect(parseThreadMessage({ type: 'result', id: 3, ok: true, value: 7 })).toEqual({ type: 'result', id: 3, ok: true, value: 7 });
    expect(parseThreadMessage({ type: 'result', id: 3, ok: true, prediction: { fields: { a: 1 }, completions: [{ a: 1 }] } })).toEqual({
      type: 'result',
      id: 3,
      ok: true,
      value: undefined,
      prediction: { fields: { a: 1 }, completions: [{ a: 1 }] },
    });
    expect(
      parseThreadMessage({ type: 'result', id: 1, ok: false, error: { name: 'LMHttpError', code: 'LM_HTTP', message: 'm', details: { status: 500 } } }),
    ).toEqual({
      type: 'result',
      id: 1,
      ok: false,
      error: { name: 'LMHttpError', code: 'LM_HTTP', message: 'm', details: { status: 500 } },
    });
  });

  it('drops an error code that is not one of dspex codes', () => {
    const message = parseThreadMessage({ type: 'start-failed', error: { name: 'X', code: 'MADE_UP', message: 'm', causeCode: 'ALSO_MADE_UP', cause: 'c' } });
    expect(message).toEqual({ type: 'start-failed', error: { name: 'X', message: 'm', cause: 'c' } });
  });

  it.each([
    ['a string', 'ready'],
    ['null', null],
    ['an array', [{ type: 'ready', state: {} }]],
    ['an unknown type', { type: 'eval', code: '1' }],
    ['a state that is not an object', { type: 'state', state: [1] }],
    ['a result id that is not a positive whole number', { type: 'result', id: '1', ok: true }],
    ['a result without ok', { type: 'result', id: 1 }],
    ['an error without a message', { type: 'result', id: 1, ok: false, error: { name: 'E' } }],
    ['an error with non-object details', { type: 'result', id: 1, ok: false, error: { name: 'E', message: 'm', details: 'x' } }],
    ['prediction fields that are not an object', { type: 'result', id: 1, ok: true, prediction: { fields: 'x' } }],
    ['completions that are not objects', { type: 'result', id: 1, ok: true, prediction: { fields: {}, completions: [1] } }],
    ['a class instance', { type: 'state', state: new (class State {})() }],
    ['a ready without its shared parameters', { type: 'ready', state: {} }],
    ['a shared parameter without a key', { type: 'ready', state: {}, shared: [{ key: '', path: 'k', type: 'number', nullProblems: [], bounds: {} }] }],
    ['a shared parameter with an unknown type', { type: 'ready', state: {}, shared: [{ key: 'k', path: 'k', type: 'date', nullProblems: [], bounds: {} }] }],
    ['a shared parameter with a non-numeric bound', { type: 'ready', state: {}, shared: [{ key: 'k', path: 'k', nullProblems: [], bounds: { min: '0' } }] }],
    ['a shared parameter with non-string null problems', { type: 'ready', state: {}, shared: [{ key: 'k', path: 'k', nullProblems: [1], bounds: {} }] }],
    ['a shared write without a key', { type: 'shared', value: 1 }],
    ['a shared refusal without its problems', { type: 'shared-rejected', key: 'k' }],
  ])('rejects %s', (_label, message) => {
    expect(parseThreadMessage(message)).toBeUndefined();
  });
});
