import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { FileAccessError, InputValidationError, describeProblem, describeValue } from '../../errors';
import { FIELD_TYPE_BRAND } from '../../signatures/field-types';
import { pythonJsonDumps } from '../../util/python-format';
import { validateOptions } from '../../util/validate-options';

/** An OpenAI-style image content part, as DSPy's `Image.format()` returns it. */
export interface ImageUrlPart {
  readonly type: 'image_url';
  readonly image_url: { readonly url: string };
}

/** Options of `Image.fromFile`. */
export interface ImageFileOptions {
  /**
   * The largest file read, in bytes; a larger one is refused before it is read.
   * @default 20 MiB (20,971,520)
   */
  maxBytes?: number;
  /** The MIME type, when the file's extension does not tell it (e.g. `image/png`). */
  mimeType?: string;
  signal?: AbortSignal;
}

/** DSPy's markers around a custom type's content parts in formatted text (`dspy/adapters/types/base_type.py`). */
export const CUSTOM_TYPE_START = '<<CUSTOM-TYPE-START-IDENTIFIER>>';
export const CUSTOM_TYPE_END = '<<CUSTOM-TYPE-END-IDENTIFIER>>';

const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
// Python's `mimetypes` answers for image extensions (DSPy guesses the type from the path).
const MIME_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.jpe': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.svg': 'image/svg+xml',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.ico': 'image/vnd.microsoft.icon',
  '.avif': 'image/avif',
  '.heic': 'image/heic',
  '.heif': 'image/heif',
};
const MIME_TYPE = /^[\w.+-]+\/[\w.+-]+$/;
const FILE_RULES = {
  maxBytes: { kind: 'integer', min: 1 },
  mimeType: { kind: 'string' },
  signal: { kind: 'signal' },
} as const;

function invalid(problem: string, received: unknown, fix: string, details: Record<string, unknown> = {}): InputValidationError {
  return new InputValidationError(describeProblem(problem, describeValue(received), fix), { details });
}

/** DSPy's `is_url` (an http, https or gs URL with a host) or a data URI: what an `Image` may reference. */
function isImageReference(text: string): boolean {
  if (text.startsWith('data:')) return true;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'gs:') && url.host !== '';
}

/**
 * An image input (DSPy's `dspy.Image`): a URL or a base64 data URI that the adapters send as an
 * OpenAI-style `image_url` content part. Use it as the value of a field typed `Image`
 * (`'photo: Image -> caption'`, `@InputField() photo!: Image`). Saved demos hold it in DSPy's
 * form (the content part between DSPy's custom-type markers), and load back as an `Image`.
 * @example
 * const photo = Image.fromUrl('https://example.com/cat.png');
 * const local = await Image.fromFile('cat.png');
 * const drawn = Image.fromBuffer(bytes, 'image/png');
 */
export class Image {
  /** Field types read this brand (signatures cannot import adapters). */
  static readonly [FIELD_TYPE_BRAND] = 'image';

  private constructor(
    /** The image's URL or data URI, sent as is. */
    readonly url: string,
  ) {
    Object.freeze(this);
  }

  /**
   * An image referenced by URL (http, https or gs) or given as a data URI; nothing is downloaded
   * (as `dspy.Image(url)`): the model's provider fetches it.
   * @throws {InputValidationError} INPUT_INVALID for anything else (a local path: use `fromFile`).
   */
  static fromUrl(url: string): Image {
    const text = typeof url === 'string' ? url.trim() : url;
    if (typeof text !== 'string' || !isImageReference(text)) {
      throw invalid(
        'Image.fromUrl takes an http(s) or gs URL, or a data: URI.',
        url,
        'Pass e.g. "https://example.com/cat.png"; read local files with await Image.fromFile(path).',
      );
    }
    return new Image(text);
  }

  /**
   * An image read from a local file into a base64 data URI, its MIME type from the extension (or `mimeType`).
   * @throws {FileAccessError} FILE_ACCESS_FAILED when the file cannot be read (`cause` is the system error).
   * @throws {InputValidationError} INPUT_INVALID when it is larger than `maxBytes` or its MIME type is unknown.
   */
  static async fromFile(path: string, options: ImageFileOptions = {}): Promise<Image> {
    validateOptions('Image.fromFile', options, FILE_RULES, { error: (message, details) => new InputValidationError(message, { details }) });
    if (typeof path !== 'string' || path === '') throw invalid('Image.fromFile takes a file path.', path, 'Pass the path of an image file, e.g. "cat.png".');
    options.signal?.throwIfAborted();
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const mimeType = options.mimeType ?? MIME_TYPES[extname(path).toLowerCase()];
    if (mimeType === undefined || !MIME_TYPE.test(mimeType)) {
      throw invalid(
        `Could not determine the MIME type of "${path}".`,
        options.mimeType ?? extname(path),
        'Name the file with an image extension (.png, .jpg, …) or pass { mimeType: "image/png" }.',
        {
          path,
        },
      );
    }
    let bytes: Buffer;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw invalid(`"${path}" is not a file.`, path, 'Pass the path of an image file.', { path });
      if (info.size > maxBytes) throw tooLarge(path, info.size, maxBytes);
      bytes = await readFile(path, { signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (error instanceof InputValidationError) throw error;
      throw new FileAccessError(describeProblem(`Cannot read the image file "${path}".`, (error as Error).message, 'Check the path and its permissions.'), {
        cause: error,
        details: { path },
      });
    }
    // The file may have grown between stat and read.
    if (bytes.length > maxBytes) throw tooLarge(path, bytes.length, maxBytes);
    return new Image(`data:${mimeType};base64,${bytes.toString('base64')}`);
  }

  /**
   * An image from bytes already in memory, as a base64 data URI of the given MIME type.
   * @throws {InputValidationError} INPUT_INVALID when `bytes` are not bytes or `mimeType` is not a MIME type.
   */
  static fromBuffer(bytes: Uint8Array | ArrayBuffer, mimeType: string): Image {
    if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
      throw invalid('Image.fromBuffer takes the image bytes (a Buffer, Uint8Array or ArrayBuffer).', bytes, 'Pass e.g. await readFile(path).');
    }
    if (typeof mimeType !== 'string' || !MIME_TYPE.test(mimeType)) {
      throw invalid('Image.fromBuffer needs the MIME type of the bytes.', mimeType, 'Pass e.g. "image/png" or "image/jpeg".');
    }
    const buffer = bytes instanceof ArrayBuffer ? Buffer.from(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new Image(`data:${mimeType};base64,${buffer.toString('base64')}`);
  }

  /** True for an `Image` (also from another copy of dspex). */
  static isImage(value: unknown): value is Image {
    return (
      value instanceof Image ||
      (value !== null && typeof value === 'object' && (value.constructor as unknown as Record<symbol, unknown>)?.[FIELD_TYPE_BRAND] === 'image')
    );
  }

  /** The content parts DSPy's `Image.format()` gives: one `image_url` part. */
  format(): ImageUrlPart[] {
    return [{ type: 'image_url', image_url: { url: this.url } }];
  }

  /** DSPy's serialized form, used in prompts and saved demos: the content parts as JSON between DSPy's markers. */
  toJSON(): string {
    return `${CUSTOM_TYPE_START}${pythonJsonDumps(this.format())}${CUSTOM_TYPE_END}`;
  }

  /** The same text as `toJSON()`, as DSPy's `str(image)`. */
  toString(): string {
    return this.toJSON();
  }

  /**
   * The image a saved value stands for: DSPy's serialized form of exactly one image (as `save`
   * writes a demo's image), else undefined.
   */
  static fromSerialized(value: unknown): Image | undefined {
    if (typeof value !== 'string' || !value.startsWith(CUSTOM_TYPE_START) || !value.endsWith(CUSTOM_TYPE_END)) return undefined;
    const payload = value.slice(CUSTOM_TYPE_START.length, value.length - CUSTOM_TYPE_END.length);
    if (payload.includes(CUSTOM_TYPE_END)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed) || parsed.length !== 1) return undefined;
    const [part] = parsed as unknown[];
    const url = (part as { type?: unknown; image_url?: { url?: unknown } } | null)?.image_url?.url;
    if ((part as { type?: unknown }).type !== 'image_url' || typeof url !== 'string' || !isImageReference(url)) return undefined;
    return new Image(url);
  }
}

/**
 * A saved demo with DSPy's serialized images (field values, or items of list values) turned back
 * into `Image`s; other values are kept as they are. A demo without images is returned unchanged.
 */
export function reviveImages(demo: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  let revived: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(demo)) {
    const image = Image.fromSerialized(value);
    const list = Array.isArray(value) ? (value as unknown[]) : undefined;
    const items = list?.map((item) => Image.fromSerialized(item) ?? item);
    const replacement = image ?? (items !== undefined && items.some((item, index) => item !== list![index]) ? items : undefined);
    if (replacement === undefined) continue;
    revived ??= { ...demo };
    Object.defineProperty(revived, key, { value: replacement, enumerable: true, writable: true, configurable: true });
  }
  return revived ?? demo;
}

function tooLarge(path: string, size: number, maxBytes: number): InputValidationError {
  return invalid(
    `The image file "${path}" is ${size} bytes, more than maxBytes (${maxBytes}).`,
    size,
    'Resize the image, or raise { maxBytes } if the provider accepts larger images.',
    {
      path,
      size,
      maxBytes,
    },
  );
}
