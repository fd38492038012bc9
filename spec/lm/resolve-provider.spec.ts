import { resolveProvider } from '../../lib/lm/resolve-provider';

describe('resolveProvider', () => {
  it('sends openai/ models to OpenAI with OPENAI_API_KEY', () => {
    expect(resolveProvider('openai/gpt-4o-mini', {}, 'LM', { OPENAI_API_KEY: 'sk-env' })).toMatchObject({
      provider: 'openai',
      modelName: 'gpt-4o-mini',
      baseURL: 'https://api.openai.com/v1',
      apiKey: 'sk-env',
      isBaseURLExplicit: false,
    });
  });

  it('honours OPENAI_BASE_URL for openai/ models', () => {
    expect(resolveProvider('openai/m', {}, 'LM', { OPENAI_BASE_URL: 'http://localhost:8000/v1/' }).baseURL).toBe('http://localhost:8000/v1');
  });

  it('prefers the options over the environment', () => {
    expect(
      resolveProvider('openai/m', { apiKey: 'sk-option', baseURL: 'http://h/v1' }, 'LM', { OPENAI_API_KEY: 'sk-env', OPENAI_BASE_URL: 'http://e/v1' }),
    ).toMatchObject({
      apiKey: 'sk-option',
      baseURL: 'http://h/v1',
      isBaseURLExplicit: true,
    });
  });

  it('sends ollama/ models to the local Ollama server without a key', () => {
    expect(resolveProvider('ollama/llama3.2:3b', {}, 'LM', {})).toMatchObject({
      provider: 'ollama',
      modelName: 'llama3.2:3b',
      baseURL: 'http://localhost:11434/v1',
      apiKey: undefined,
    });
  });

  it('reads <PROVIDER>_API_KEY for other prefixes given a baseURL', () => {
    expect(resolveProvider('openrouter/meta-llama/llama-3', { baseURL: 'https://openrouter.ai/api/v1' }, 'LM', { OPENROUTER_API_KEY: 'sk-or' })).toMatchObject({
      provider: 'openrouter',
      modelName: 'meta-llama/llama-3',
      apiKey: 'sk-or',
    });
  });

  it('names the environment variable to set when no key is known', () => {
    expect(resolveProvider('openai/m', {}, 'LM', {}).credentialsHint).toContain('OPENAI_API_KEY');
  });

  it.each([
    ['an unknown prefix without baseURL', 'together/m', {}],
    ['an empty model after the prefix', 'openai/', {}],
    ['an empty apiKey', 'openai/m', { apiKey: '' }],
    ['a baseURL that is not a URL', 'openai/m', { baseURL: 'localhost:8000' }],
  ])('rejects %s with CONFIGURATION_INVALID', (_case, model, options) => {
    expect(() => resolveProvider(model, options, 'LM', {})).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });

  it('never puts a misplaced key in the error message', () => {
    expect(() => resolveProvider('openai/m', { apiKey: 12345678 }, 'LM', {})).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining('12345678') }),
    );
  });
});
