import {
  CONFIG_KEY,
  ConfigStore,
  parseStoredConfig,
  STORED_CONFIG_SCHEMA_VERSION,
} from '../../src/storage/config-store';
import { KvsStore, isKeyConflict, type ForgeKvs } from '../../src/storage/kvs';
import { MemoryStore } from '../../src/storage/memory';

describe('MemoryStore.update', () => {
  it('serialises racing increments: none is lost', async () => {
    const store = new MemoryStore();
    await Promise.all(Array.from({ length: 20 }, () => store.update<number>('n', (n) => (n ?? 0) + 1)));
    expect(await store.get('n')).toBe(20);
    expect(store.stats.conflicts).toBeGreaterThan(0);
  });

  it('deletes when the update returns undefined, and isolates stored values from callers', async () => {
    const store = new MemoryStore({ a: { x: 1 } });
    const got = await store.get<{ x: number }>('a');
    got!.x = 2;
    expect(await store.get('a')).toEqual({ x: 1 });
    await store.update('a', () => undefined);
    expect(await store.get('a')).toBeUndefined();
  });
});

describe('config store', () => {
  const bare = { version: 1, delegates: { 'u-1': ['u-2'] } };

  it('migrates a bare layout-0 config and a layout-1 envelope with list delegates', () => {
    expect(parseStoredConfig(bare)).toEqual({
      stored: expect.objectContaining({ schemaVersion: STORED_CONFIG_SCHEMA_VERSION, revision: 0 }),
      migratedFrom: 0,
    });
    const v1 = parseStoredConfig({
      schemaVersion: 1,
      revision: 3,
      config: { version: 1, delegates: ['u-9'] },
    });
    expect(v1.migratedFrom).toBe(1);
    expect(v1.stored.revision).toBe(3);
    expect(v1.stored.config.delegates).toEqual({ '*': ['u-9'] });
  });

  it('refuses an unknown future layout by name', () => {
    expect(() => parseStoredConfig({ schemaVersion: 99, revision: 0, config: bare })).toThrow(
      /unknown layout 99/,
    );
  });

  it('reads a migrated value and writes it back in the current layout on save', async () => {
    const store = new MemoryStore({ [CONFIG_KEY]: bare });
    const configs = new ConfigStore(store, () => new Date('2026-01-01T00:00:00Z'));
    const read = await configs.read();
    expect(read).toEqual(expect.objectContaining({ state: 'ok', migratedFrom: 0 }));
    await configs.save({ version: 1 }, 0, 'u-admin');
    expect(await store.get(CONFIG_KEY)).toEqual(
      expect.objectContaining({
        schemaVersion: STORED_CONFIG_SCHEMA_VERSION,
        revision: 1,
        updatedBy: 'u-admin',
      }),
    );
  });

  it('validates on write: nothing is stored when the value is bad', async () => {
    const store = new MemoryStore();
    await expect(new ConfigStore(store).save({ version: 2 }, 0, 'u')).rejects.toThrow(/version/);
    expect(await store.get(CONFIG_KEY)).toBeUndefined();
  });

  it('reports a corrupt value with its paths instead of using it', async () => {
    const store = new MemoryStore({
      [CONFIG_KEY]: { schemaVersion: 2, revision: 7, config: { version: 1, rules: { nope: {} } } },
    });
    const read = await new ConfigStore(store).read();
    expect(read.state).toBe('corrupt');
    if (read.state === 'corrupt') {
      expect(read.revision).toBe(7);
      expect(read.problem.issues[0]?.path).toMatch(/^config\.rules/);
    }
    await expect(new ConfigStore(store).current()).rejects.toThrow(/stored/);
  });

  it('lets exactly one of two racing saves on the same revision win', async () => {
    const store = new MemoryStore();
    const configs = new ConfigStore(store);
    const results = await Promise.allSettled([
      configs.save({ version: 1 }, 0, 'a'),
      configs.save({ version: 1 }, 0, 'b'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });
});

/** A fake of the @forge/kvs calls KvsStore makes, with FAIL_IF_EXISTS answered like the service. */
function fakeKvs(): ForgeKvs & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  const tick = () => new Promise<void>((r) => setImmediate(r));
  const conflict = Object.assign(new Error('key exists'), {
    code: 'KEY_CONFLICT',
    responseDetails: { status: 409 },
  });
  const fake = {
    data,
    get: async (key: string) => {
      await tick();
      return data.get(key);
    },
    set: async (key: string, value: unknown, options?: { keyPolicy?: string }) => {
      await tick();
      if (options?.keyPolicy === 'FAIL_IF_EXISTS' && data.has(key)) throw conflict;
      data.set(key, value);
    },
    delete: async (key: string) => {
      await tick();
      data.delete(key);
    },
    query: () => {
      let prefix = '';
      const q = {
        where: (_p: string, c: { values: [string] }) => ((prefix = c.values[0]), q),
        limit: () => q,
        cursor: () => q,
        getMany: async () => ({
          results: [...data.entries()]
            .filter(([k]) => k.startsWith(prefix))
            .map(([key, value]) => ({ key, value })),
        }),
      };
      return q;
    },
  };
  return fake as unknown as ForgeKvs & { data: Map<string, unknown> };
}

describe('KvsStore over @forge/kvs', () => {
  it('recognises the FAIL_IF_EXISTS conflict', () => {
    expect(isKeyConflict({ code: 'KEY_CONFLICT' })).toBe(true);
    expect(isKeyConflict({ responseDetails: { status: 409 } })).toBe(true);
    expect(isKeyConflict(new Error('boom'))).toBe(false);
  });

  it('serialises racing updates through the lease and releases it', async () => {
    const kvs = fakeKvs();
    const store = new KvsStore(kvs, { sleep: (ms) => new Promise((r) => setTimeout(r, ms / 5)) });
    await Promise.all(Array.from({ length: 8 }, () => store.update<number>('count', (n) => (n ?? 0) + 1)));
    expect(kvs.data.get('count')).toBe(8);
    expect([...kvs.data.keys()].filter((k) => k.startsWith('lock:'))).toEqual([]);
    expect((await store.list('cou')).map((e) => e.key)).toEqual(['count']);
  });

  it('releases the lease when the update throws', async () => {
    const kvs = fakeKvs();
    const store = new KvsStore(kvs);
    await expect(
      store.update('k', () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(kvs.data.has('lock:k')).toBe(false);
  });
});
