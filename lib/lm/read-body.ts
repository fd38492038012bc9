/**
 * Reads a response body as UTF-8 text, never holding more than `maxBytes` of it: the
 * `content-length` is checked first, then the stream is counted as it arrives and cancelled as
 * soon as it passes the limit, so a huge reply costs at most `maxBytes` of memory.
 * With `truncate`, the first `maxBytes` are returned; without it, `undefined` means "too large".
 */
export async function readBodyWithLimit(response: Response, maxBytes: number, options: { truncate: boolean }): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (!options.truncate && Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (total + value.byteLength > maxBytes) {
        if (!options.truncate) return undefined;
        chunks.push(value.subarray(0, maxBytes - total));
        total = maxBytes;
        break;
      }
      chunks.push(value);
      total += value.byteLength;
    }
  } finally {
    // Stops the transfer of whatever was not read (a no-op once the stream is done).
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}
