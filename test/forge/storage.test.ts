import {
  CONFIG_KEY,
  ConfigStore,
  parseStoredConfig,
  STORED_CONFIG_SCHEMA_VERSION,
} from '../../src/storage/config-store';
import { KvsStore, isKeyConflict } from '../../src/storage/kvs';
import { MemoryKvs, MemoryStore } from '../../src/storage/memory';
import { StoredDataError } from '../../src/storage/store';
import { knownProjects, PROJECTS_KEY, registerProject } from '../../src/scale/daily';

describe('MemoryStore.update', () => {
  it('serialises racing increments: none is lost', async () => {
    const store = new MemoryStore();
    await Promise.all(Array.from({ length: 20 }, () => store.update('n', (n) => Number(n ?? 0) + 1)));
    expect(await store.get('n')).toBe(20);
    expect(store.stats.conflicts).toBeGreaterThan(0);
  });

  it('deletes when the update returns undefined, and isolates stored values from callers', async () => {
    const store = new MemoryStore({ a: { x: 1 } });
    const got = (await store.get('a')) as { x: number };
    got.x = 2;
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

describe('KvsStore over @forge/kvs', () => {
  it('recognises the FAIL_IF_EXISTS conflict', () => {
    expect(isKeyConflict({ code: 'KEY_CONFLICT' })).toBe(true);
    expect(isKeyConflict({ responseDetails: { status: 409 } })).toBe(true);
    expect(isKeyConflict(new Error('boom'))).toBe(false);
  });

  it('serialises racing updates through the lease and releases it', async () => {
    const kvs = new MemoryKvs();
    const store = new KvsStore(kvs, { sleep: (ms) => new Promise((r) => setTimeout(r, ms / 5)) });
    await Promise.all(Array.from({ length: 8 }, () => store.update('count', (n) => Number(n ?? 0) + 1)));
    expect(await kvs.get('count')).toBe(8);
    expect((await store.list('lock:')).map((e) => e.key)).toEqual([]);
    expect((await store.list('cou')).map((e) => e.key)).toEqual(['count']);
  });

  it('releases the lease when the update throws', async () => {
    const kvs = new MemoryKvs();
    const store = new KvsStore(kvs);
    await expect(
      store.update('k', () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await kvs.get('lock:k')).toBeUndefined();
  });
});

describe("Forge's kvs limits in the in-memory stand-in", () => {
  const kvs = new MemoryKvs();

  it('refuses keys Forge refuses: empty, over 500 characters, outside the pattern, only spaces', async () => {
    await expect(kvs.set('', 1)).rejects.toMatchObject({ code: 'EMPTY_KEY' });
    await expect(kvs.set('k'.repeat(501), 1)).rejects.toMatchObject({ code: 'KEY_TOO_LONG' });
    await expect(kvs.set('a/b', 1)).rejects.toMatchObject({ code: 'INVALID_KEY' });
    await expect(kvs.get('a|b')).rejects.toMatchObject({ code: 'INVALID_KEY' });
    await expect(kvs.set('   ', 1)).rejects.toMatchObject({ code: 'INVALID_KEY' });
    await expect(kvs.set('k'.repeat(500), 1)).resolves.toBeUndefined();
    await expect(kvs.set('snap:ART-1:c:g1n0 #x_y.z', 1)).resolves.toBeUndefined();
  });

  it('refuses values over 240 KiB and nested deeper than 32', async () => {
    const size = (bytes: number) => 'x'.repeat(bytes - 2); // JSON adds the two quotes
    await expect(kvs.set('big', size(240 * 1024))).resolves.toBeUndefined();
    await expect(kvs.set('big', size(240 * 1024 + 1))).rejects.toMatchObject({ code: 'MAX_SIZE' });
    const nest = (depth: number): unknown => (depth === 0 ? 1 : { a: nest(depth - 1) });
    await expect(kvs.set('deep', nest(32))).resolves.toBeUndefined();
    await expect(kvs.set('deep', nest(33))).rejects.toMatchObject({ code: 'MAX_DEPTH' });
    expect(await kvs.get('deep')).toEqual(nest(32)); // the refused write changed nothing
  });

  it('serves at most 20 results per query page, and refuses a page of more', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 45; i++) await store.set(`item:${String(i).padStart(2, '0')}`, i);
    await expect(
      store.kvs
        .query()
        .where('key', { condition: 'BEGINS_WITH', values: ['item:'] })
        .limit(21)
        .getMany(),
    ).rejects.toMatchObject({ code: 'INVALID_LIMIT' });
    const first = await store.kvs
      .query()
      .where('key', { condition: 'BEGINS_WITH', values: ['item:'] })
      .limit(20)
      .getMany();
    expect(first.results).toHaveLength(20);
    expect(first.nextCursor).toBeDefined();
    const pagesBefore = store.kvs.stats.pages;
    const all = await store.list('item:');
    expect(all.map((e) => e.value)).toEqual(Array.from({ length: 45 }, (_, i) => i));
    expect(store.kvs.stats.pages - pagesBefore).toBe(3);
  });

  it('lets KvsStore list every key under the page limit', async () => {
    const memory = new MemoryKvs();
    for (let i = 0; i < 41; i++) await memory.set(`p:${i}`, i);
    expect(await new KvsStore(memory).list('p:')).toHaveLength(41);
  });
});

describe('stored values are parsed, not cast', () => {
  it('a damaged project list fails naming its key, and registering leaves it as it was', async () => {
    const store = new MemoryStore({ [PROJECTS_KEY]: { not: 'a list' } });
    await expect(knownProjects(store)).rejects.toThrow(StoredDataError);
    await expect(knownProjects(store)).rejects.toThrow(PROJECTS_KEY);
    await expect(registerProject(store, 'NEW')).rejects.toThrow(PROJECTS_KEY);
    expect(await store.get(PROJECTS_KEY)).toEqual({ not: 'a list' });
  });

  it('a readable list is read and extended', async () => {
    const store = new MemoryStore({ [PROJECTS_KEY]: ['B'] });
    await registerProject(store, 'A');
    expect(await knownProjects(store)).toEqual(['A', 'B']);
  });
});
