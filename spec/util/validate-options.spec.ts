import { closestName, isDuration, MAX_TIMER_MS, validateOption, validateOptions, type OptionRules } from '../../lib/util/validate-options';

class TestOptionError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}
const error = (message: string, details: Record<string, unknown>) => new TestOptionError(message, details);

const RULES: OptionRules = {
  baseURL: { kind: 'string' },
  apiKey: { kind: 'string' },
  timeoutMs: { kind: 'duration' },
  shutdownMs: { kind: 'duration', allowZero: true, allowInfinity: true },
  retries: { kind: 'integer', min: 0, max: 10 },
  mode: { kind: 'oneOf', values: ['a', 'b'] },
  metric: { kind: 'function', required: true },
};

function thrown(fn: () => unknown): TestOptionError {
  try {
    fn();
  } catch (caught) {
    return caught as TestOptionError;
  }
  throw new Error('expected a throw');
}

describe('validateOptions', () => {
  it('returns known options and passes through far-off keys in pass-through sets', () => {
    const result = validateOptions('LM', { baseURL: 'http://x', metric: () => 1, top_k: 3 }, RULES, { error, unknownKeys: 'pass-through' });
    expect(result.known).toEqual({ baseURL: 'http://x', metric: expect.any(Function) });
    expect(result.passThrough).toEqual({ top_k: 3 });
  });

  it('rejects a near miss with a did-you-mean even in pass-through sets', () => {
    const failure = thrown(() => validateOptions('LM', { baseUrl: 'http://x', metric: () => 1 }, RULES, { error, unknownKeys: 'pass-through' }));
    expect(failure.details).toMatchObject({ option: 'baseUrl', suggestion: 'baseURL' });
    expect(failure.message).toContain('Did you mean "baseURL"?');
    expect(thrown(() => validateOptions('LM', { apikey: 'k', metric: () => 1 }, RULES, { error, unknownKeys: 'pass-through' })).details.suggestion).toBe(
      'apiKey',
    );
    expect(thrown(() => validateOptions('LM', { timeout: 5, metric: () => 1 }, RULES, { error, unknownKeys: 'pass-through' })).details.suggestion).toBe(
      'timeoutMs',
    );
  });

  it('rejects any unknown key in closed sets, listing the known ones', () => {
    const failure = thrown(() => validateOptions('Supervisor', { zzz: 1, metric: () => 1 }, RULES, { error }));
    expect(failure.details).toMatchObject({ option: 'zzz' });
    expect(failure.message).toContain('Known options: baseURL');
  });

  it('rejects a missing required option and a non-object', () => {
    expect(thrown(() => validateOptions('X', {}, RULES, { error })).details.option).toBe('metric');
    expect(thrown(() => validateOptions('X', [], RULES, { error })).message).toContain('plain object');
    expect(thrown(() => validateOptions('X', undefined, RULES, { error })).details.option).toBe('metric');
  });

  it('checks values against their rules and keeps extra details', () => {
    const failure = thrown(() => validateOptions('X', { metric: () => 1, retries: 11 }, RULES, { error, details: { id: 'qa' } }));
    expect(failure.details).toEqual({ id: 'qa', option: 'retries' });
    expect(thrown(() => validateOptions('X', { metric: () => 1, mode: 'c' }, RULES, { error })).details.option).toBe('mode');
    expect(thrown(() => validateOptions('X', { metric: 1 }, RULES, { error })).details.option).toBe('metric');
  });

  it('accepts durations timers can honour and rejects the rest', () => {
    expect(thrown(() => validateOptions('X', { metric: () => 1, timeoutMs: 2 ** 31 }, RULES, { error })).details.option).toBe('timeoutMs');
    expect(thrown(() => validateOptions('X', { metric: () => 1, timeoutMs: 0 }, RULES, { error })).details.option).toBe('timeoutMs');
    expect(thrown(() => validateOptions('X', { metric: () => 1, timeoutMs: Infinity }, RULES, { error })).details.option).toBe('timeoutMs');
    expect(validateOptions('X', { metric: () => 1, timeoutMs: MAX_TIMER_MS, shutdownMs: 0 }, RULES, { error }).known.timeoutMs).toBe(MAX_TIMER_MS);
    expect(validateOptions('X', { metric: () => 1, shutdownMs: Infinity }, RULES, { error }).known.shutdownMs).toBe(Infinity);
  });
});

describe('validateOption', () => {
  it('checks a single value', () => {
    expect(() => validateOption('X', 'n', 3, { kind: 'integer', min: 1 }, { error })).not.toThrow();
    expect(thrown(() => validateOption('X', 'n', 0.5, { kind: 'integer', min: 1 }, { error })).details.option).toBe('n');
    expect(thrown(() => validateOption('X', 'n', undefined, { kind: 'integer', required: true }, { error })).details.option).toBe('n');
  });
});

describe('isDuration', () => {
  it('bounds durations by the timer limit', () => {
    expect([
      isDuration(1),
      isDuration(MAX_TIMER_MS),
      isDuration(MAX_TIMER_MS + 1),
      isDuration(0),
      isDuration(0, { allowZero: true }),
      isDuration(NaN),
      isDuration(-5),
    ]).toEqual([true, true, false, false, true, false, false]);
  });
});

describe('closestName', () => {
  it('finds names within two edits, ignoring case, and nothing farther', () => {
    expect(closestName('baseUrl', ['baseURL', 'apiKey'])).toBe('baseURL');
    expect(closestName('temperature', ['baseURL', 'apiKey', 'timeoutMs'])).toBeUndefined();
    expect(closestName('x'.repeat(100_000), ['baseURL'])).toBeUndefined();
  });
});
