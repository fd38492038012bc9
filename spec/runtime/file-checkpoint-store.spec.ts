import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CheckpointStore } from '../../lib/runtime/checkpoint-store';
import { FileCheckpointStore } from '../../lib/runtime/file-checkpoint-store';
import { Supervisor } from '../../lib/runtime/supervisor';
import { Worker, silentLogger } from '../helpers/runtime-support';
import { checkpoint, describeCheckpointStoreContract } from '../helpers/checkpoint-store-contract';

const directories = new WeakMap<CheckpointStore, string>();

describeCheckpointStoreContract('FileCheckpointStore', {
  async create(options) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dspex-checkpoints-'));
    const store = new FileCheckpointStore(dir, options);
    directories.set(store, dir);
    return store;
  },
  construct: (options) => new FileCheckpointStore(os.tmpdir(), options as { keep?: number }),
  async damage(store, id, index, change) {
    const folder = path.join(directories.get(store)!, encodeURIComponent(id));
    const files = (await readdir(folder))
      .filter((name) => name.endsWith('.ckpt'))
      .sort()
      .reverse();
    const file = path.join(folder, files[index]);
    await writeFile(file, change(await readFile(file)));
  },
  async cleanup(store) {
    await rm(directories.get(store)!, { recursive: true, force: true });
  },
});

describe('FileCheckpointStore', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dspex-checkpoints-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const folderFiles = async (id = 'qa') => (await readdir(path.join(dir, encodeURIComponent(id)))).sort();

  it('keeps the last `keep` checkpoints per child as numbered files', async () => {
    const store = new FileCheckpointStore(dir, { keep: 2 });
    for (let k = 1; k <= 5; k += 1) await store.save('qa', checkpoint('1', k));
    expect(await folderFiles()).toEqual(['000000000004.ckpt', '000000000005.ckpt']);
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

  it('detects garbage and a damaged header', async () => {
    const store = new FileCheckpointStore(dir);
    for (let k = 1; k <= 3; k += 1) await store.save('qa', checkpoint('1', k));
    await writeFile(path.join(dir, 'qa', '000000000003.ckpt'), 'not a checkpoint at all');
    await writeFile(path.join(dir, 'qa', '000000000002.ckpt'), `{"format":"dspex-checkpoint","formatVersion":1,"sha256":"00","bytes":2}\n{}`);
    const problems: unknown[] = [];
    const loaded = await store.load('qa', { onCorrupt: (error) => problems.push(error.details.problem) });
    expect(loaded).toEqual(checkpoint('1', 1));
    expect(problems).toEqual(['no header line', 'checksum mismatch']);
  });

  describe('ids', () => {
    it.each(['../x', '/etc/passwd', 'a/../../b', '.', '..', 'a/./b', 'C:\\windows', 'nul\0byte', ''])('rejects %j with CHILD_SPEC_INVALID', async (id) => {
      const store = new FileCheckpointStore(dir);
      await expect(store.save(id, checkpoint('1', 1, id || 'x'))).rejects.toMatchObject({ code: 'CHILD_SPEC_INVALID', details: { field: 'id' } });
      await expect(store.load(id)).rejects.toMatchObject({ code: 'CHILD_SPEC_INVALID' });
    });

    it('rejects an id whose encoded folder name passes 255 bytes, and accepts one at exactly 255', async () => {
      const store = new FileCheckpointStore(dir);
      await expect(store.save('q'.repeat(256), checkpoint('1', 1, 'q'.repeat(256)))).rejects.toMatchObject({
        code: 'CHILD_SPEC_INVALID',
        details: { field: 'id', encodedBytes: 256 },
      });
      // 'é' encodes as %C3%A9: 43 of them take 258 bytes.
      await expect(store.load('é'.repeat(43))).rejects.toMatchObject({ code: 'CHILD_SPEC_INVALID' });
      await store.save('q'.repeat(255), checkpoint('1', 1, 'q'.repeat(255)));
      await expect(store.load('q'.repeat(255))).resolves.toMatchObject({ id: 'q'.repeat(255) });
    });

    it('makes startChild reject an id the store cannot represent, adding no child', async () => {
      const supervisor = new Supervisor({ checkpointStore: new FileCheckpointStore(dir), logger: silentLogger });
      await expect(supervisor.startChild({ id: 'x'.repeat(300), start: () => new Worker() })).rejects.toMatchObject({
        code: 'CHILD_SPEC_INVALID',
        details: { field: 'id' },
      });
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
});
