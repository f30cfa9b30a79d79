import { MemoryStore } from '../../src/storage/memory';
import type { KeyValueStore } from '../../src/storage/store';
import { WriteOnceReadCache } from '../../src/storage/write-once-cache';
import { isWriteOnceTreeKey, treeKey } from '../../src/scale/tree-store';

/** Counts the reads that reach the store below. */
function counted(inner: KeyValueStore): { store: KeyValueStore; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    store: {
      get: (key) => {
        reads.push(key);
        return inner.get(key);
      },
      set: (key, value) => inner.set(key, value),
      delete: (key) => inner.delete(key),
      list: (prefix) => inner.list(prefix),
      update: (key, update) => inner.update(key, update),
    },
  };
}

const CHUNK = treeKey.chunk('ART', 'w0a1b2c3d4e5n0');
const MANIFEST = treeKey.manifest('ART');

describe('WriteOnceReadCache', () => {
  it('knows the tree keys that are written once: chunks and shards, not the manifest', () => {
    expect(isWriteOnceTreeKey(CHUNK)).toBe(true);
    expect(isWriteOnceTreeKey(treeKey.shard('ART', 'w0a1b2c3d4e5n1'))).toBe(true);
    expect(isWriteOnceTreeKey(MANIFEST)).toBe(false);
    expect(isWriteOnceTreeKey(treeKey.pending('ART'))).toBe(false);
    expect(isWriteOnceTreeKey('acceptance:10001')).toBe(false);
  });

  it('reads a write-once key from the store once, and every other key each time', async () => {
    const memory = new MemoryStore({ [CHUNK]: { r: [1, 2] }, [MANIFEST]: { g: 1 } });
    const { store, reads } = counted(memory);
    const cache = new WriteOnceReadCache(store, isWriteOnceTreeKey);
    for (let k = 0; k < 3; k++) {
      expect(await cache.get(CHUNK)).toEqual({ r: [1, 2] });
      expect(await cache.get(MANIFEST)).toEqual({ g: 1 });
    }
    expect(reads.filter((key) => key === CHUNK)).toHaveLength(1);
    expect(reads.filter((key) => key === MANIFEST)).toHaveLength(3);
  });

  it('does not remember an absent key (it may be written later)', async () => {
    const memory = new MemoryStore();
    const cache = new WriteOnceReadCache(memory, isWriteOnceTreeKey);
    expect(await cache.get(CHUNK)).toBeUndefined();
    await memory.set(CHUNK, { r: [3] });
    expect(await cache.get(CHUNK)).toEqual({ r: [3] });
  });

  it('hands out copies: a reader changing what it got does not change the next read', async () => {
    const cache = new WriteOnceReadCache(new MemoryStore({ [CHUNK]: { r: [1] } }), isWriteOnceTreeKey);
    for (let k = 0; k < 2; k++) {
      const got = (await cache.get(CHUNK)) as { r: number[] };
      got.r.push(99);
    }
    expect(await cache.get(CHUNK)).toEqual({ r: [1] });
  });

  it('forgets a key written or deleted through it', async () => {
    const cache = new WriteOnceReadCache(new MemoryStore({ [CHUNK]: { r: [1] } }), isWriteOnceTreeKey);
    await cache.get(CHUNK);
    await cache.set(CHUNK, { r: [2] });
    expect(await cache.get(CHUNK)).toEqual({ r: [2] });
    await cache.delete(CHUNK);
    expect(await cache.get(CHUNK)).toBeUndefined();
  });

  it('keeps at most its byte budget, dropping the least recently used value', async () => {
    const keys = [0, 1, 2].map((n) => treeKey.chunk('ART', `w000000000000n${n}`));
    const memory = new MemoryStore(Object.fromEntries(keys.map((key) => [key, 'x'.repeat(1000)])));
    const { store, reads } = counted(memory);
    // Room for two values of ~1,000 bytes.
    const cache = new WriteOnceReadCache(store, isWriteOnceTreeKey, 2100);
    await cache.get(keys[0]!);
    await cache.get(keys[1]!);
    await cache.get(keys[0]!); // 0 is now the most recent
    await cache.get(keys[2]!); // evicts 1
    reads.length = 0;
    await cache.get(keys[0]!);
    await cache.get(keys[2]!);
    expect(reads).toEqual([]);
    await cache.get(keys[1]!);
    expect(reads).toEqual([keys[1]]);
  });
});
