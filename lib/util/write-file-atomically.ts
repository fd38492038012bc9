import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Options of `writeFileAtomically`. */
export interface AtomicWriteOptions {
  /** Where to write before the rename (same folder as the target); default a hidden `.NAME.UUID.tmp`. */
  temporaryPath?: string;
}

/**
 * Writes `data` to `filePath` so that readers see the old file or the whole new one, never a torn
 * one: a temporary file in the same folder, fsync, rename over the target, then fsync the folder
 * so the rename itself survives a power cut. The temporary file is removed when anything fails.
 */
export async function writeFileAtomically(filePath: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const folder = path.dirname(filePath);
  const temporary = options.temporaryPath ?? path.join(folder, `.${path.basename(filePath)}.${randomUUID()}.tmp`);
  const handle = await fs.open(temporary, 'wx');
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, filePath);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(folder);
}

/** Makes a rename in `folder` durable: without it a power cut may forget the new directory entry. */
export async function syncFolder(folder: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(folder, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}
