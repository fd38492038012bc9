import type { CheckpointCorruptError } from '../../lib/errors';
import type { Checkpoint, CheckpointStore } from '../../lib/runtime/checkpoint-store';

/** How the shared contract spec makes and damages one kind of store. */
export interface CheckpointStoreHarness {
  /** A fresh, empty store. */
  create(options?: { keep?: number }): CheckpointStore | Promise<CheckpointStore>;
  /** Constructs a store with raw options (for option validation). */
  construct(options: { keep?: unknown }): unknown;
  /** Replaces the stored bytes of the `index`-th newest checkpoint of `id` (stores that cannot be damaged leave it out). */
  damage?(store: CheckpointStore, id: string, index: number, change: (bytes: Buffer) => Buffer): Promise<void>;
  /** Called after each test. */
  cleanup?(store: CheckpointStore): Promise<void>;
}

export const checkpoint = (version: string, k: number, id = 'qa'): Checkpoint => ({
  id,
  version,
  state: { parameters: { k } },
  createdAt: 1_700_000_000_000 + k,
});

/**
 * The `CheckpointStore` contract (checkpoint-store.ts), run against every store: Memory, File and
 * Redis alike. Store-specific behaviour (files on disk, keys in Redis) stays in each store's spec.
 */
export function describeCheckpointStoreContract(name: string, harness: CheckpointStoreHarness): void {
  describe(`${name} (CheckpointStore contract)`, () => {
    const opened: CheckpointStore[] = [];
    const open = async (options?: { keep?: number }): Promise<CheckpointStore> => {
      const store = await harness.create(options);
      opened.push(store);
      return store;
    };

    afterEach(async () => {
      for (const store of opened.splice(0)) await harness.cleanup?.(store);
    });

    it('saves and loads the newest checkpoint, and lists newest first', async () => {
      const store = await open();
      await store.save('qa', checkpoint('1', 1));
      await store.save('qa', checkpoint('1', 2));
      await expect(store.load('qa')).resolves.toEqual(checkpoint('1', 2));
      await expect(store.list('qa')).resolves.toEqual([checkpoint('1', 2), checkpoint('1', 1)]);
    });

    it('returns undefined and an empty list for a child with no checkpoints', async () => {
      const store = await open();
      await expect(store.load('nobody')).resolves.toBeUndefined();
      await expect(store.list('nobody')).resolves.toEqual([]);
    });

    it('keeps the last `keep` checkpoints per child', async () => {
      const store = await open({ keep: 2 });
      for (let k = 1; k <= 5; k += 1) await store.save('qa', checkpoint('1', k));
      await expect(store.list('qa')).resolves.toEqual([checkpoint('1', 5), checkpoint('1', 4)]);
    });

    it('keeps children apart, an id with a slash included', async () => {
      const store = await open();
      await store.save('qa', checkpoint('1', 1));
      await store.save('team/qa', checkpoint('1', 2, 'team/qa'));
      await expect(store.load('qa')).resolves.toEqual(checkpoint('1', 1));
      await expect(store.load('team/qa')).resolves.toEqual(checkpoint('1', 2, 'team/qa'));
    });

    it('serialises concurrent saves of one child without losing any', async () => {
      const store = await open({ keep: 10 });
      await Promise.all([1, 2, 3, 4, 5].map((k) => store.save('qa', checkpoint('1', k))));
      const ks = (await store.list('qa')).map((entry) => (entry.state.parameters as { k: number }).k);
      expect(ks.sort()).toEqual([1, 2, 3, 4, 5]);
    });

    it('returns copies: changing a loaded checkpoint changes nothing stored', async () => {
      const store = await open();
      await store.save('qa', checkpoint('1', 1));
      const loaded = await store.load('qa');
      (loaded!.state.parameters as { k: number }).k = 99;
      await expect(store.load('qa')).resolves.toEqual(checkpoint('1', 1));
    });

    it('deletes every checkpoint of a child and no other', async () => {
      const store = await open();
      await store.save('qa', checkpoint('1', 1));
      await store.save('other', checkpoint('1', 1, 'other'));
      await store.delete('qa');
      await expect(store.load('qa')).resolves.toBeUndefined();
      await expect(store.load('other')).resolves.toEqual(checkpoint('1', 1, 'other'));
    });

    it('rejects a malformed checkpoint with CHECKPOINT_CORRUPT and keeps the stored ones', async () => {
      const store = await open();
      await store.save('qa', checkpoint('1', 1));
      await expect(store.save('qa', { id: 'qa', version: '', state: {}, createdAt: 1 })).rejects.toMatchObject({
        code: 'CHECKPOINT_CORRUPT',
        details: { field: 'version' },
      });
      await expect(store.list('qa')).resolves.toEqual([checkpoint('1', 1)]);
    });

    it.each([0, -1, 1.5, '3'])('rejects keep %j with CONFIGURATION_INVALID', (keep) => {
      expect(() => harness.construct({ keep })).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
    });

    it('rejects a misspelt option with a suggestion', () => {
      expect(() => harness.construct({ kep: 2 } as never)).toThrow(
        expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: expect.objectContaining({ option: 'kep', suggestion: 'keep' }) }),
      );
    });

    const damage = harness.damage;
    if (damage === undefined) return;

    describe('corruption', () => {
      async function storeWithThree(): Promise<CheckpointStore> {
        const store = await open();
        for (let k = 1; k <= 3; k += 1) await store.save('qa', checkpoint('1', k));
        return store;
      }

      async function loadReporting(store: CheckpointStore): Promise<{ loaded: Checkpoint | undefined; corrupt: CheckpointCorruptError[] }> {
        const corrupt: CheckpointCorruptError[] = [];
        const loaded = await store.load('qa', { onCorrupt: (error) => corrupt.push(error) });
        return { loaded, corrupt };
      }

      it('skips a truncated newest checkpoint, reports it, and loads the previous good one', async () => {
        const store = await storeWithThree();
        await damage(store, 'qa', 0, (bytes) => bytes.subarray(0, bytes.length - 7));
        const { loaded, corrupt } = await loadReporting(store);
        expect(loaded).toEqual(checkpoint('1', 2));
        expect(corrupt).toHaveLength(1);
        expect(corrupt[0]).toMatchObject({ code: 'CHECKPOINT_CORRUPT', details: { problem: 'truncated or extended body' } });
      });

      it('detects a changed byte that still parses as JSON (checksum mismatch)', async () => {
        const store = await storeWithThree();
        await damage(store, 'qa', 0, (bytes) => Buffer.from(bytes.toString('utf8').replace('"k":3', '"k":9')));
        const { loaded, corrupt } = await loadReporting(store);
        expect(loaded).toEqual(checkpoint('1', 2));
        expect(corrupt[0]).toMatchObject({ details: { problem: 'checksum mismatch' } });
      });

      it('detects every sampled single-bit flip of the newest checkpoint', async () => {
        const store = await storeWithThree();
        let original: Buffer | undefined;
        await damage(store, 'qa', 0, (bytes) => {
          original = Buffer.from(bytes);
          return bytes;
        });
        for (let index = 0; index < original!.length; index += Math.max(1, Math.floor(original!.length / 25))) {
          await damage(store, 'qa', 0, () => {
            const damaged = Buffer.from(original!);
            damaged[index] ^= 0x01;
            return damaged;
          });
          const { loaded, corrupt } = await loadReporting(store);
          expect(loaded).toEqual(checkpoint('1', 2));
          expect(corrupt).toHaveLength(1);
        }
      });

      it('returns undefined (the child starts fresh) when no checkpoint is good, and lists none', async () => {
        const store = await storeWithThree();
        for (const index of [0, 1, 2]) await damage(store, 'qa', index, () => Buffer.alloc(0));
        const { loaded, corrupt } = await loadReporting(store);
        expect(loaded).toBeUndefined();
        expect(corrupt).toHaveLength(3);
        await expect(store.list('qa')).resolves.toEqual([]);
      });

      it('rejects a checkpoint stored under another child', async () => {
        const store = await open();
        await store.save('qa', checkpoint('1', 1, 'other'));
        const { loaded, corrupt } = await loadReporting(store);
        expect(loaded).toBeUndefined();
        expect(corrupt[0]).toMatchObject({ details: { problem: 'it belongs to another child' } });
      });
    });
  });
}
