/**
 * In-memory stand-ins for Forge's Key-Value Store, for tests and the local host. Both refuse
 * what Forge refuses (src/storage/limits.ts): keys outside Forge's pattern or over 500
 * characters, values over 240 KiB or nested deeper than 32, query pages over 20 results. Code
 * that would fail on Forge therefore fails here first.
 *
 * - MemoryKvs is shaped like `@forge/kvs`'s `kvs` (get, set with FAIL_IF_EXISTS and TTL, delete,
 *   paged query), so KvsStore runs over it exactly as over Forge.
 * - MemoryStore is the app's KeyValueStore over a MemoryKvs. Its `update` is a genuine
 *   compare-and-swap that yields between reading and writing, so concurrent updates really
 *   interleave and the version check decides; `list` pages through the same query as KvsStore.
 *
 * Values are cloned on the way in and out, as a real store serialises them.
 */
import { listByPrefix, type KvsApi, type KvsQuery } from './kvs';
import { checkKey, checkQueryLimit, checkValue, KVS_MAX_QUERY_LIMIT } from './limits';
import type { KeyValueStore } from './store';

interface Entry {
  /** Unique per write. */
  version: number;
  value: unknown;
  /** Epoch ms after which the entry is gone (TTL). */
  expiresAt?: number;
}

const TTL_UNIT_MS = { SECONDS: 1_000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 } as const;

function keyConflict(key: string): Error {
  return Object.assign(new Error(`kvs key ${key} already exists`), {
    code: 'KEY_CONFLICT',
    responseDetails: { status: 409, statusText: 'Conflict' },
  });
}

export class MemoryKvs implements KvsApi {
  private readonly data = new Map<string, Entry>();
  /** Store-wide write counter: a key deleted and written again never gets a version it had before. */
  private writes = 0;
  /** Query pages served, for tests that check paging happened. */
  readonly stats = { pages: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string): Entry | undefined {
    const entry = this.data.get(key);
    if (entry?.expiresAt !== undefined && this.now() >= entry.expiresAt) {
      this.data.delete(key);
      return undefined;
    }
    return entry;
  }

  /** The entry's write count (0 when absent): what MemoryStore's compare-and-swap compares. */
  versionOf(key: string): number {
    return this.live(key)?.version ?? 0;
  }

  get(key: string): Promise<unknown> {
    try {
      checkKey(key);
      const entry = this.live(key);
      return Promise.resolve(entry === undefined ? undefined : clone(entry.value));
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  set(key: string, value: unknown, options: Parameters<KvsApi['set']>[2] = {}): Promise<void> {
    try {
      this.write(key, value, options);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  /** Synchronous `set`, for MemoryStore's compare-and-swap (no await between check and write). */
  write(key: string, value: unknown, options: Parameters<KvsApi['set']>[2] = {}): void {
    checkKey(key);
    checkValue(key, value);
    const before = this.live(key);
    if (options.keyPolicy === 'FAIL_IF_EXISTS' && before !== undefined) throw keyConflict(key);
    this.writes += 1;
    const entry: Entry = { version: this.writes, value: clone(value) };
    if (options.ttl) entry.expiresAt = this.now() + options.ttl.value * TTL_UNIT_MS[options.ttl.unit];
    this.data.set(key, entry);
  }

  delete(key: string): Promise<void> {
    try {
      checkKey(key);
      this.data.delete(key);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  query(): KvsQuery {
    let prefix = '';
    let limit = KVS_MAX_QUERY_LIMIT;
    let after: string | undefined;
    const query: KvsQuery = {
      where: (_property, condition) => {
        prefix = condition.values[0];
        return query;
      },
      cursor: (cursor) => {
        after = cursor;
        return query;
      },
      limit: (n) => {
        limit = n;
        return query;
      },
      getMany: () => {
        try {
          checkQueryLimit(limit);
        } catch (error) {
          return Promise.reject(asError(error));
        }
        this.stats.pages += 1;
        const keys = [...this.data.keys()]
          .filter((k) => k.startsWith(prefix) && (after === undefined || k > after) && this.live(k))
          .sort();
        const page = keys.slice(0, limit);
        const results = page.map((key) => ({ key, value: clone(this.data.get(key)?.value) }));
        const last = page[page.length - 1];
        return Promise.resolve(
          keys.length > limit && last !== undefined ? { results, nextCursor: last } : { results },
        );
      },
    };
    return query;
  }
}

const MAX_ATTEMPTS = 50;

export class MemoryStore implements KeyValueStore {
  readonly kvs: MemoryKvs;
  /** Successful compare-and-swap commits and lost races, for tests that assert a race happened. */
  readonly stats = { commits: 0, conflicts: 0 };

  constructor(initial: Record<string, unknown> = {}, options: { now?: () => number } = {}) {
    this.kvs = new MemoryKvs(options.now);
    for (const [key, value] of Object.entries(initial)) this.kvs.write(key, value);
  }

  get(key: string): Promise<unknown> {
    // The store holds whatever was written; callers validate what they read (zod), as with kvs.
    return this.kvs.get(key);
  }

  set(key: string, value: unknown): Promise<void> {
    return this.kvs.set(key, value);
  }

  delete(key: string): Promise<void> {
    return this.kvs.delete(key);
  }

  list(prefix: string): Promise<{ key: string; value: unknown }[]> {
    return listByPrefix(this.kvs, prefix);
  }

  async update<T>(key: string, update: (current: unknown) => T | undefined): Promise<T | undefined> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const seenVersion = this.kvs.versionOf(key);
      const next = update(await this.kvs.get(key));
      // Let other writers run between our read and our write, as a remote store would.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.kvs.versionOf(key) !== seenVersion) {
        this.stats.conflicts += 1;
        continue;
      }
      if (next === undefined) await this.kvs.delete(key);
      else this.kvs.write(key, next);
      this.stats.commits += 1;
      return next === undefined ? undefined : clone(next);
    }
    throw new Error(`update of ${key} lost ${MAX_ATTEMPTS} races in a row; giving up`);
  }

  /** Test helper: write a raw value (e.g. a corrupt one) bypassing any typed store; Forge's limits still hold. */
  setRaw(key: string, value: unknown): void {
    this.kvs.write(key, value);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
