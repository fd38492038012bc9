import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CheckpointCorruptError } from '../../lib/errors';
import type { Checkpoint } from '../../lib/runtime/checkpoint-store';
import { FileCheckpointStore } from '../../lib/runtime/file-checkpoint-store';
import { Supervisor } from '../../lib/runtime/supervisor';
import { Worker, silentLogger } from '../helpers/runtime-support';

const checkpoint = (version: string, k: number, id = 'qa'): Checkpoint => ({ id, version, state: { parameters: { k } }, createdAt: 1_700_000_000_000 + k });

describe('FileCheckpointStore', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dspex-checkpoints-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const folderFiles = async (id = 'qa') => (await readdir(path.join(dir, encodeURIComponent(id)))).sort();

  it('saves and loads the newest checkpoint', async () => {
    const store = new FileCheckpointStore(dir);
    await store.save('qa', checkpoint('1', 1));
    await store.save('qa', checkpoint('1', 2));
    await expect(store.load('qa')).resolves.toEqual(checkpoint('1', 2));
    await expect(store.list('qa')).resolves.toEqual([checkpoint('1', 2), checkpoint('1', 1)]);
  });

  it('returns undefined for a child with no checkpoints', async () => {
    await expect(new FileCheckpointStore(dir).load('nobody')).resolves.toBeUndefined();
  });

  it('keeps the last `keep` checkpoints per child', async () => {
    const store = new FileCheckpointStore(dir, { keep: 2 });
    for (let k = 1; k <= 5; k += 1) await store.save('qa', checkpoint('1', k));
    expect(await folderFiles()).toEqual(['000000000004.ckpt', '000000000005.ckpt']);
    await expect(store.list('qa')).resolves.toEqual([checkpoint('1', 5), checkpoint('1', 4)]);
  });

  it('leaves no temp file behind, and ignores and later removes one left by a writer that died', async () => {
    const store = new FileCheckpointStore(dir);
    await store.save('qa', checkpoint('1', 1));
    expect(await folderFiles()).toEqual(['000000000001.ckpt']);
    await writeFile(path.join(dir, 'qa', '.tmp-dead-writer'), '{"half": ');
    await expect(store.load('qa')).resolves.toEqual(checkpoint('1', 1));
    await store.save('qa', checkpoint('1', 2));
    expect(await folderFiles()).toEqual(['000000000001.ckpt', '000000000002.ckpt']);
  });

  it('serialises concurrent saves of one child without losing any', async () => {
    const store = new FileCheckpointStore(dir, { keep: 10 });
    await Promise.all([1, 2, 3, 4, 5].map((k) => store.save('qa', checkpoint('1', k))));
    const ks = (await store.list('qa')).map((entry) => (entry.state.parameters as { k: number }).k);
    expect(ks.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  describe('corruption', () => {
    async function storeWithThree(): Promise<{ store: FileCheckpointStore; newest: string }> {
      const store = new FileCheckpointStore(dir);
      for (let k = 1; k <= 3; k += 1) await store.save('qa', checkpoint('1', k));
      return { store, newest: path.join(dir, 'qa', '000000000003.ckpt') };
    }

    async function loadReporting(store: FileCheckpointStore): Promise<{ loaded: Checkpoint | undefined; corrupt: CheckpointCorruptError[] }> {
      const corrupt: CheckpointCorruptError[] = [];
      const loaded = await store.load('qa', { onCorrupt: (error) => corrupt.push(error) });
      return { loaded, corrupt };
    }

    it('detects a truncated newest file and falls back to the previous good one', async () => {
      const { store, newest } = await storeWithThree();
      const bytes = await readFile(newest);
      await writeFile(newest, bytes.subarray(0, bytes.length - 7));
      const { loaded, corrupt } = await loadReporting(store);
      expect(loaded).toEqual(checkpoint('1', 2));
      expect(corrupt).toHaveLength(1);
      expect(corrupt[0]).toMatchObject({ code: 'CHECKPOINT_CORRUPT', details: { problem: 'truncated or extended body' } });
    });

    it('detects a changed byte that still parses as JSON (checksum mismatch)', async () => {
      const { store, newest } = await storeWithThree();
      const text = await readFile(newest, 'utf8');
      await writeFile(newest, text.replace('"k":3', '"k":9'));
      const { loaded, corrupt } = await loadReporting(store);
      expect(loaded).toEqual(checkpoint('1', 2));
      expect(corrupt[0]).toMatchObject({ details: { problem: 'checksum mismatch' } });
    });

    it('detects garbage and a damaged header', async () => {
      const { store, newest } = await storeWithThree();
      await writeFile(newest, 'not a checkpoint at all');
      await writeFile(path.join(dir, 'qa', '000000000002.ckpt'), `{"format":"dspex-checkpoint","formatVersion":1,"sha256":"00","bytes":2}\n{}`);
      const { loaded, corrupt } = await loadReporting(store);
      expect(loaded).toEqual(checkpoint('1', 1));
      expect(corrupt.map((error) => error.details.problem)).toEqual(['no header line', 'checksum mismatch']);
    });

    it('detects every single-byte flip of the newest file', async () => {
      const { store, newest } = await storeWithThree();
      const original = await readFile(newest);
      for (let index = 0; index < original.length; index += Math.max(1, Math.floor(original.length / 40))) {
        const damaged = Buffer.from(original);
        damaged[index] ^= 0x01;
        await writeFile(newest, damaged);
        const { loaded, corrupt } = await loadReporting(store);
        expect(loaded).toEqual(checkpoint('1', 2));
        expect(corrupt).toHaveLength(1);
      }
    });

    it('returns undefined when no checkpoint is good', async () => {
      const { store } = await storeWithThree();
      for (const name of ['000000000001.ckpt', '000000000002.ckpt', '000000000003.ckpt']) await writeFile(path.join(dir, 'qa', name), '');
      const { loaded, corrupt } = await loadReporting(store);
      expect(loaded).toBeUndefined();
      expect(corrupt).toHaveLength(3);
    });

    it('rejects a file that belongs to another child', async () => {
      const store = new FileCheckpointStore(dir);
      await store.save('qa', checkpoint('1', 1, 'other'));
      const { loaded, corrupt } = await loadReporting(store);
      expect(loaded).toBeUndefined();
      expect(corrupt[0]).toMatchObject({ details: { problem: 'it belongs to another child' } });
    });
  });

  describe('ids', () => {
    it.each(['../x', '/etc/passwd', 'a/../../b', '.', '..', 'a/./b', 'C:\\windows', 'nul\0byte', ''])('rejects %j with CHILD_SPEC_INVALID', async (id) => {
      const store = new FileCheckpointStore(dir);
      await expect(store.save(id, checkpoint('1', 1, id || 'x'))).rejects.toMatchObject({ code: 'CHILD_SPEC_INVALID', details: { field: 'id' } });
      await expect(store.load(id)).rejects.toMatchObject({ code: 'CHILD_SPEC_INVALID' });
    });

    it('rejects an id whose encoded folder name passes 255 bytes, and accepts one at exactly 255', async () => {
      const store = new FileCheckpointStore(dir);
      await expect(store.save('q'.repeat(256), checkpoint('1', 1, 'q'.repeat(256)))).rejects.toMatchObject({ code: 'CHILD_SPEC_INVALID', details: { field: 'id', encodedBytes: 256 } });
      // 'é' encodes as %C3%A9: 43 of them take 258 bytes.
      await expect(store.load('é'.repeat(43))).rejects.toMatchObject({ code: 'CHILD_SPEC_INVALID' });
      await store.save('q'.repeat(255), checkpoint('1', 1, 'q'.repeat(255)));
      await expect(store.load('q'.repeat(255))).resolves.toMatchObject({ id: 'q'.repeat(255) });
    });

    it('makes startChild reject an id the store cannot represent, adding no child', async () => {
      const supervisor = new Supervisor({ checkpointStore: new FileCheckpointStore(dir), logger: silentLogger });
      await expect(supervisor.startChild({ id: 'x'.repeat(300), start: () => new Worker() })).rejects.toMatchObject({ code: 'CHILD_SPEC_INVALID', details: { field: 'id' } });
      await expect(supervisor.startChild({ id: 'a\0b', start: () => new Worker() })).rejects.toMatchObject({ code: 'CHILD_SPEC_INVALID' });
      expect(supervisor.registry.list()).toEqual([]);
      const ref = await supervisor.startChild({ id: 'team/qa', start: () => new Worker() });
      await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 1 });
      await supervisor.stop();
    });

    it('keeps an id with a slash inside the directory, as one folder', async () => {
      const store = new FileCheckpointStore(dir);
      await store.save('team/qa', checkpoint('1', 1, 'team/qa'));
      expect(await readdir(dir)).toEqual(['team%2Fqa']);
      await expect(store.load('team/qa')).resolves.toMatchObject({ id: 'team/qa' });
    });
  });

  it('deletes every checkpoint of a child', async () => {
    const store = new FileCheckpointStore(dir);
    await store.save('qa', checkpoint('1', 1));
    await store.delete('qa');
    await expect(store.load('qa')).resolves.toBeUndefined();
  });

  it('rejects a bad keep with CONFIGURATION_INVALID', () => {
    expect(() => new FileCheckpointStore(dir, { keep: 0 })).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });
});
