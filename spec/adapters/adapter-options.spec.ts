import { ChatAdapter, JSONAdapter, XMLAdapter } from '../../lib';

describe('adapter options', () => {
  const adapters = [
    ['ChatAdapter', (options: unknown) => new ChatAdapter(options as never)],
    ['JSONAdapter', (options: unknown) => new JSONAdapter(options as never)],
    ['XMLAdapter', (options: unknown) => new XMLAdapter(options as never)],
  ] as const;

  it.each(adapters)('%s rejects a misspelt option with a suggestion', (name, make) => {
    expect(() => make({ loger: console })).toThrow(
      expect.objectContaining({
        code: 'CONFIGURATION_INVALID',
        message: expect.stringContaining(`new ${name}(): unknown option "loger"`),
        details: expect.objectContaining({ option: 'loger', suggestion: 'logger' }),
      }),
    );
  });

  it.each(adapters)('%s rejects options that are not an object, and a logger that is not one', (_, make) => {
    expect(() => make(null)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
    expect(() => make({ logger: 'debug' })).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', message: expect.stringContaining('a pino logger') }),
    );
  });

  it('takes its known options', () => {
    expect(new ChatAdapter({ useJsonAdapterFallback: false }).useJsonAdapterFallback).toBe(false);
    expect(new XMLAdapter().useJsonAdapterFallback).toBe(true);
    expect(() => new ChatAdapter({ useJsonAdapterFallback: 'no' as never })).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
    expect(() => new JSONAdapter({ useJsonAdapterFallback: true } as never)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });
});
