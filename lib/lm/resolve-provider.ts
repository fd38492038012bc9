import { ConfigurationError, describeProblem, describeValue } from '../errors';

/** Where requests for a model go, and with which key, once the provider prefix is read. */
export interface ResolvedProvider {
  /** The prefix before the first `/` (`openai` when there is none). */
  provider: string;
  /** The model name sent to the server: the given name without its provider prefix. */
  modelName: string;
  /** Without a trailing slash. */
  baseURL: string;
  /** True when the caller passed `baseURL` (only then is it saved by `dumpState`, as DSPy's `api_base`). */
  isBaseURLExplicit: boolean;
  apiKey: string | undefined;
  /** What a 401/403 message tells the user to do. */
  credentialsHint: string;
}

/** Base URLs of the providers dspex knows without being told. */
const DEFAULT_BASE_URLS: Readonly<Record<string, string>> = {
  openai: 'https://api.openai.com/v1',
  ollama: 'http://localhost:11434/v1',
};

const PROVIDER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Reads the provider prefix of `model` (`openai/gpt-4o-mini`, `ollama/llama3.2`, `openrouter/…`)
 * and picks the endpoint and key: an explicit option first, then `<PROVIDER>_API_KEY` (and, for
 * OpenAI, `OPENAI_BASE_URL`), then the provider's default URL. A model without a prefix is OpenAI's.
 * @param owner the class named in messages (`LM`, `Embedder`).
 * @throws {ConfigurationError} CONFIGURATION_INVALID for an unknown prefix without `baseURL`, or a malformed `baseURL`/`apiKey`.
 */
export function resolveProvider(
  model: string,
  options: { apiKey?: unknown; baseURL?: unknown },
  owner: string,
  environment: NodeJS.ProcessEnv = process.env,
): ResolvedProvider {
  const slash = model.indexOf('/');
  const provider = slash === -1 ? 'openai' : model.slice(0, slash);
  const modelName = slash === -1 ? model : model.slice(slash + 1);
  if (!PROVIDER_PATTERN.test(provider) || modelName.length === 0) {
    throw new ConfigurationError(
      describeProblem(`${owner} model names look like "provider/model".`, describeValue(model), "Pass e.g. 'openai/gpt-4o-mini' or 'ollama/llama3.2'."),
      {
        details: { model },
      },
    );
  }
  const keyVariable = `${provider.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
  const apiKey = readApiKey(options.apiKey, environment[keyVariable], owner);
  const givenBaseURL = options.baseURL ?? (provider === 'openai' ? nonEmpty(environment.OPENAI_BASE_URL) : undefined);
  const baseURL = givenBaseURL === undefined ? DEFAULT_BASE_URLS[provider] : checkBaseURL(givenBaseURL, owner);
  if (baseURL === undefined) {
    throw new ConfigurationError(
      describeProblem(
        `${owner} does not know where the "${provider}" provider lives.`,
        describeValue(model),
        `Pass baseURL (its OpenAI-compatible endpoint, e.g. new ${owner}('${model}', { baseURL: 'http://localhost:8000/v1' })), or use the 'openai/' or 'ollama/' prefix.`,
      ),
      { details: { model, provider } },
    );
  }
  const credentialsHint =
    apiKey === undefined
      ? `No API key was sent: set the ${keyVariable} environment variable or pass { apiKey } to new ${owner}(…).`
      : `The API key was refused: check ${options.apiKey === undefined ? `the ${keyVariable} environment variable` : 'the apiKey option'} (or pass another { apiKey } to new ${owner}(…)).`;
  return { provider, modelName, baseURL, isBaseURLExplicit: options.baseURL !== undefined, apiKey, credentialsHint };
}

function readApiKey(option: unknown, fromEnvironment: string | undefined, owner: string): string | undefined {
  if (option === undefined) return nonEmpty(fromEnvironment);
  if (typeof option !== 'string' || option.length === 0) {
    // Never echo the value: it may be a key passed in the wrong place.
    throw new ConfigurationError(
      describeProblem(
        `${owner} apiKey must be a non-empty string.`,
        typeof option,
        'Pass the key as a string, or leave it out to use the environment variable.',
      ),
    );
  }
  return option;
}

function checkBaseURL(value: unknown, owner: string): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigurationError(describeProblem(`${owner} baseURL must be an http(s) URL.`, describeValue(value), "Pass e.g. 'http://localhost:11434/v1'."));
  }
  const trimmed = (value as string).replace(/\/+$/, '');
  if (/\/(chat\/completions|embeddings)$/.test(trimmed)) {
    throw new ConfigurationError(
      describeProblem(
        `${owner} baseURL must stop before the endpoint path.`,
        describeValue(value),
        `Pass '${trimmed.replace(/\/(chat\/completions|embeddings)$/, '')}'; dspex adds /chat/completions or /embeddings itself.`,
      ),
    );
  }
  return trimmed;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
