import pino from 'pino';
import { Embedder, type EmbedderOptions } from '../../lib/lm/embedder';
import { LMCache } from '../../lib/lm/lm-cache';
import { embeddings, hang, rateLimited, startOpenAIServer, unauthorized, vectorOf, type OpenAIServer } from '../helpers/openai-server';

const silent = pino({ level: 'silent' });
const texts = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];

describe('Embedder', () => {
  let server: OpenAIServer;

  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  function makeEmbedder(options: EmbedderOptions = {}): Embedder {
    return new Embedder('openai/text-embedding-3-small', {
      apiKey: 'sk-e',
      baseURL: server.baseURL,
      cacheStore: new LMCache({ directory: null }),
      retryBaseDelayMs: 0,
      logger: silent,
      ...options,
    });
  }

  describe('with a hosted model', () => {
    it('posts batches to /embeddings and returns the vectors in input order', async () => {
      const vectors = await makeEmbedder({ batchSize: 2 }).embed(texts);
      expect(vectors).toEqual(texts.map(vectorOf));
      expect(server.requests.map((request) => [request.path, request.body.model, request.body.input])).toEqual([
        ['/v1/embeddings', 'text-embedding-3-small', ['alpha', 'beta']],
        ['/v1/embeddings', 'text-embedding-3-small', ['gamma', 'delta']],
        ['/v1/embeddings', 'text-embedding-3-small', ['epsilon']],
      ]);
    });

    it('orders the vectors by their index when the server shuffles them', async () => {
      const reply = embeddings([
        [1, 0],
        [0, 1],
      ]);
      (reply.body as { data: unknown[] }).data.reverse();
      server.script(reply);
      await expect(makeEmbedder().embed(['x', 'y'])).resolves.toEqual([
        [1, 0],
        [0, 1],
      ]);
    });

    it('sends dimensions when given', async () => {
      await makeEmbedder({ dimensions: 3 }).embed(['x']);
      expect(server.requests[0].body).toEqual({ model: 'text-embedding-3-small', input: ['x'], dimensions: 3 });
    });

    it('sends only texts it has not embedded before, once each', async () => {
      const embedder = makeEmbedder();
      await embedder.embed(['alpha', 'beta']);
      const vectors = await embedder.embed(['beta', 'gamma', 'gamma', 'alpha']);
      expect(vectors).toEqual(['beta', 'gamma', 'gamma', 'alpha'].map(vectorOf));
      expect(server.requests.map((request) => request.body.input)).toEqual([['alpha', 'beta'], ['gamma']]);
    });

    it('sends every text again with cache: false', async () => {
      const embedder = makeEmbedder({ cache: false });
      await embedder.embed(['alpha']);
      await embedder.embed(['alpha']);
      expect(server.requests).toHaveLength(2);
    });

    it('sums the usage the server reports', async () => {
      const embedder = makeEmbedder();
      await embedder.embed(['alpha', 'beta']);
      expect(embedder.usage).toMatchObject({ promptTokens: 2, totalTokens: 2 });
    });

    it('makes no request for an empty list', async () => {
      await expect(makeEmbedder().embed([])).resolves.toEqual([]);
      expect(server.requests).toHaveLength(0);
    });

    it('retries a rate limit', async () => {
      server.script(rateLimited('0'), embeddings([[1, 2]]));
      await expect(makeEmbedder().embed(['x'])).resolves.toEqual([[1, 2]]);
      expect(server.requests).toHaveLength(2);
    });

    it('times out a hung request with LM_TIMEOUT', async () => {
      server.script(hang());
      await expect(makeEmbedder({ timeoutMs: 20, numRetries: 0 }).embed(['x'])).rejects.toMatchObject({ code: 'LM_TIMEOUT' });
    });

    it('reports a refused key as LM_HTTP 401', async () => {
      // respond, not script: a late-arriving hung request from the test before must not take the 401.
      server.respond = () => unauthorized();
      await expect(makeEmbedder().embed(['x'])).rejects.toMatchObject({ code: 'LM_HTTP', status: 401 });
    });

    it.each([
      [
        'vectors of different sizes',
        embeddings([
          [1, 2],
          [1, 2, 3],
        ]),
      ],
      ['fewer vectors than texts', embeddings([[1, 2]])],
      ['a vector that is not numbers', embeddings([[1, 2], ['a', 'b'] as never])],
      ['no data list', { body: { object: 'list' } }],
    ])('rejects %s with LM_RESPONSE_INVALID', async (_case, reply) => {
      server.script(reply);
      await expect(makeEmbedder().embed(['x', 'y'])).rejects.toMatchObject({ code: 'LM_RESPONSE_INVALID' });
    });

    it('does not cache a batch whose reply was rejected', async () => {
      const embedder = makeEmbedder();
      server.script(
        embeddings([
          [1, 2],
          [1, 2, 3],
        ]),
      );
      await expect(embedder.embed(['x', 'y'])).rejects.toMatchObject({ code: 'LM_RESPONSE_INVALID' });
      await embedder.embed(['x', 'y']);
      expect(server.requests).toHaveLength(2);
    });
  });

  describe('with a local function', () => {
    it('calls a synchronous function per batch and keeps the order', async () => {
      const batches: string[][] = [];
      const embedder = new Embedder((batch) => (batches.push(batch), batch.map(vectorOf)), { batchSize: 2 });
      await expect(embedder.embed(texts)).resolves.toEqual(texts.map(vectorOf));
      expect(batches).toEqual([['alpha', 'beta'], ['gamma', 'delta'], ['epsilon']]);
    });

    it('accepts an async function returning typed arrays', async () => {
      const embedder = new Embedder(async (batch) => batch.map((text) => Float32Array.from([text.length, 1])));
      await expect(embedder.embed(['ab', 'abc'])).resolves.toEqual([
        [2, 1],
        [3, 1],
      ]);
    });

    it('rejects vectors of different sizes with LM_RESPONSE_INVALID', async () => {
      const embedder = new Embedder((batch) => batch.map((text) => new Array(text.length).fill(1)));
      await expect(embedder.embed(['a', 'bb'])).rejects.toMatchObject({ code: 'LM_RESPONSE_INVALID' });
    });

    it('rejects a wrong number of vectors with LM_RESPONSE_INVALID', async () => {
      const embedder = new Embedder(() => [[1]]);
      await expect(embedder.embed(['a', 'b'])).rejects.toMatchObject({ code: 'LM_RESPONSE_INVALID' });
    });
  });

  describe('bad input', () => {
    it('rejects texts that are not a list of strings with INPUT_INVALID', async () => {
      await expect(makeEmbedder().embed('one text' as never)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
      await expect(makeEmbedder().embed([1] as never)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    });

    it.each([
      ['an unknown prefix without baseURL', 'acme/embed', {}],
      ['a zero batchSize', 'openai/x', { batchSize: 0 }],
      ['a negative numRetries', 'openai/x', { numRetries: -1 }],
    ])('rejects %s with CONFIGURATION_INVALID', (_case, model, options) => {
      expect(() => new Embedder(model, options as EmbedderOptions)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
    });

    it("rejects with the caller's abort reason", async () => {
      const reason = new Error('cancelled');
      await expect(makeEmbedder().embed(['x'], { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    });
  });
});
