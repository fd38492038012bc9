import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Image } from '../../../lib/adapters/types/image';
import { LM } from '../../../lib/lm/lm';
import { LMCache } from '../../../lib/lm/lm-cache';
import { Predict } from '../../../lib/predict/predict';
import { completion, startOpenAIServer, type OpenAIServer } from '../../helpers/openai-server';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('Image', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dspex-image-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('references an https URL without downloading it', () => {
    expect(Image.fromUrl(' https://example.com/cat.png ').format()).toEqual([{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }]);
  });

  it('accepts data URIs and gs URLs', () => {
    expect(Image.fromUrl('data:image/png;base64,AAAA').url).toBe('data:image/png;base64,AAAA');
    expect(Image.fromUrl('gs://bucket/cat.png').url).toBe('gs://bucket/cat.png');
  });

  it('refuses a local path or another scheme with INPUT_INVALID', () => {
    expect(() => Image.fromUrl('cat.png')).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
    expect(() => Image.fromUrl('file:///etc/passwd')).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });

  it('reads a file into a data URI typed by its extension', async () => {
    const path = join(directory, 'dot.png');
    await writeFile(path, PNG);

    const image = await Image.fromFile(path);

    expect(image.url).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
  });

  it('rejects a missing file with FILE_ACCESS_FAILED', async () => {
    await expect(Image.fromFile(join(directory, 'missing.png'))).rejects.toMatchObject({
      code: 'FILE_ACCESS_FAILED',
      details: { path: join(directory, 'missing.png') },
    });
  });

  it('rejects a file larger than maxBytes before reading it', async () => {
    const path = join(directory, 'big.jpg');
    await writeFile(path, Buffer.alloc(64));

    await expect(Image.fromFile(path, { maxBytes: 63 })).rejects.toMatchObject({ code: 'INPUT_INVALID', details: { size: 64, maxBytes: 63 } });
  });

  it('rejects an extension with no image MIME type unless mimeType is given', async () => {
    const path = join(directory, 'picture.bin');
    await writeFile(path, PNG);

    await expect(Image.fromFile(path)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(Image.fromFile(path, { mimeType: 'image/png' })).resolves.toMatchObject({ url: `data:image/png;base64,${PNG.toString('base64')}` });
  });

  it('rejects unknown options and an aborted signal with its reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));

    await expect(Image.fromFile('x.png', { maxByte: 1 } as never)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(Image.fromFile(join(directory, 'dot.png'), { signal: controller.signal })).rejects.toThrow('stop');
  });

  it('encodes bytes with their MIME type', () => {
    expect(Image.fromBuffer(new Uint8Array(PNG), 'image/png').url).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
    expect(() => Image.fromBuffer(PNG, 'png')).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });

  it("serializes as DSPy's custom-type text and reads it back", () => {
    const image = Image.fromUrl('https://example.com/cat.png');

    expect(JSON.stringify(image)).toBe(
      JSON.stringify(
        '<<CUSTOM-TYPE-START-IDENTIFIER>>[{"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]<<CUSTOM-TYPE-END-IDENTIFIER>>',
      ),
    );
    expect(Image.fromSerialized(image.toJSON())?.url).toBe(image.url);
    expect(
      Image.fromSerialized('<<CUSTOM-TYPE-START-IDENTIFIER>>[{"type": "image_url", "image_url": {"url": "file:///x"}}]<<CUSTOM-TYPE-END-IDENTIFIER>>'),
    ).toBeUndefined();
  });
});

describe('Image over HTTP', () => {
  let server: OpenAIServer;

  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  function makeLM(): LM {
    return new LM('openai/gpt-4o-mini', { apiKey: 'sk-test', baseURL: server.baseURL, cacheStore: new LMCache({ directory: null }), retryBaseDelayMs: 0 });
  }

  it('sends the image as an image_url content part in the request body', async () => {
    server.script(completion('[[ ## caption ## ]]\nA cat.\n\n[[ ## completed ## ]]'));
    const predict = new Predict('photo: Image -> caption');

    const prediction = await predict.forward({ photo: Image.fromUrl('https://example.com/cat.png') }, { lm: makeLM() });

    expect(prediction.caption).toBe('A cat.');
    expect(server.requests[0].body.messages[1].content).toEqual([
      { type: 'text', text: '[[ ## photo ## ]]\n' },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
      {
        type: 'text',
        text: '\n\nRespond with the corresponding output fields, starting with the field `[[ ## caption ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.',
      },
    ]);
    expect(server.requests[0].body.messages[0].content).toEqual(expect.any(String));
  });

  it('caches per image and prints images in history as <image_url: …>', async () => {
    const lm = new LM('openai/gpt-4o-mini', { apiKey: 'sk-test', baseURL: server.baseURL, cacheStore: new LMCache({ directory: null }), retryBaseDelayMs: 0 });
    server.respond = () => completion('[[ ## caption ## ]]\nAn image.');
    const predict = new Predict('photo: Image -> caption');

    await predict.forward({ photo: Image.fromUrl('https://example.com/a.png') }, { lm });
    await predict.forward({ photo: Image.fromUrl('https://example.com/b.png') }, { lm });
    await predict.forward({ photo: Image.fromUrl('https://example.com/a.png') }, { lm });
    const printed = lm.inspectHistory(1);

    expect(server.requests).toHaveLength(2);
    expect(printed).toContain('[[ ## photo ## ]]\n<image_url: https://example.com/a.png>');
  });
});
