import pino from 'pino';
import { getRootLogger, LOGGER_OPTION_RULE } from '../../lib/logging/logger';

describe('getRootLogger', () => {
  it('writes diagnostics to stderr, never into the program output on stdout', () => {
    const stream = (getRootLogger() as unknown as Record<symbol, { fd?: number }>)[pino.symbols.streamSym];
    expect(stream.fd).toBe(2);
  });

  it('is named dspex and returns the same root each time', () => {
    expect(getRootLogger()).toBe(getRootLogger());
    expect(getRootLogger().bindings()).toMatchObject({ name: 'dspex' });
  });
});

describe('LOGGER_OPTION_RULE', () => {
  it('accepts a pino logger and rejects other values', () => {
    if (LOGGER_OPTION_RULE.kind !== 'custom') throw new Error('expected a custom rule');
    expect(LOGGER_OPTION_RULE.check(pino({ level: 'silent' }))).toBeUndefined();
    expect(LOGGER_OPTION_RULE.check({})).toBe('a pino Logger');
    expect(LOGGER_OPTION_RULE.check(null)).toBe('a pino Logger');
  });
});
