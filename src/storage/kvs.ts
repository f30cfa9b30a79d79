/**
 * The app's KeyValueStore over Forge's `@forge/kvs`.
 *
 * `@forge/kvs` offers conditional writes on plain keys only as "create if absent"
 * (`keyPolicy: 'FAIL_IF_EXISTS'`, answered with 409 KEY_CONFLICT); value conditions exist only for
 * custom entities. `update` therefore takes a short lease on a companion lock key with
 * FAIL_IF_EXISTS (atomic: one writer wins), reads, writes and releases. The lease has a TTL so a
 * crashed invocation cannot block the key for longer than LOCK_TTL_SECONDS; an update takes far
 * less (one read, one write).
 */
import type { kvs as forgeKvs } from '@forge/kvs';
import type { KeyValueStore } from './store';

export type ForgeKvs = Pick<typeof forgeKvs, 'get' | 'set' | 'delete' | 'query'>;

const LOCK_PREFIX = 'lock:';
const LOCK_TTL_SECONDS = 20;
const MAX_LOCK_ATTEMPTS = 12;
const PAGE_SIZE = 100;

export interface KvsStoreOptions {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Unique per lease so a release never drops somebody else's lease by mistake in logs. */
  token?: () => string;
}

/** True for the error `set` raises when FAIL_IF_EXISTS finds the key present. */
export function isKeyConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error ? error.code : undefined;
  const details = 'responseDetails' in error ? error.responseDetails : undefined;
  const status =
    typeof details === 'object' && details !== null && 'status' in details ? details.status : undefined;
  return code === 'KEY_CONFLICT' || status === 409;
}

export class KvsStore implements KeyValueStore {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly token: () => string;

  constructor(
    private readonly kvs: ForgeKvs,
    options: KvsStoreOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.token = options.token ?? (() => `${Date.now()}-${Math.floor(Math.random() * 1e9)}`);
  }

  get<T = unknown>(key: string): Promise<T | undefined> {
    return this.kvs.get<T>(key);
  }

  set(key: string, value: unknown, options?: { ttlSeconds?: number }): Promise<void> {
    const ttl = options?.ttlSeconds;
    return ttl === undefined
      ? this.kvs.set(key, value)
      : this.kvs.set(key, value, { ttl: { value: Math.max(1, Math.ceil(ttl)), unit: 'SECONDS' } });
  }

  delete(key: string): Promise<void> {
    return this.kvs.delete(key);
  }

  async list<T = unknown>(prefix: string): Promise<{ key: string; value: T }[]> {
    const out: { key: string; value: T }[] = [];
    let cursor: string | undefined;
    do {
      let query = this.kvs
        .query()
        .where('key', { condition: 'BEGINS_WITH', values: [prefix] })
        .limit(PAGE_SIZE);
      if (cursor !== undefined) query = query.cursor(cursor);
      const page = await query.getMany<T>();
      for (const r of page.results) out.push({ key: r.key, value: r.value });
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return out;
  }

  async update<T>(key: string, update: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    const lockKey = `${LOCK_PREFIX}${key}`;
    await this.acquire(lockKey);
    try {
      const current = await this.kvs.get<T>(key);
      const next = update(current);
      if (next === undefined) await this.kvs.delete(key);
      else await this.kvs.set(key, next);
      return next;
    } finally {
      await this.kvs.delete(lockKey);
    }
  }

  private async acquire(lockKey: string): Promise<void> {
    for (let attempt = 1; attempt <= MAX_LOCK_ATTEMPTS; attempt++) {
      try {
        await this.kvs.set(lockKey, this.token(), {
          keyPolicy: 'FAIL_IF_EXISTS',
          ttl: { value: LOCK_TTL_SECONDS, unit: 'SECONDS' },
        });
        return;
      } catch (error) {
        if (!isKeyConflict(error)) throw error;
        // Equal jitter so two waiting writers do not retry in lockstep.
        const step = Math.min(2000, 50 * 2 ** (attempt - 1));
        await this.sleep(Math.floor(step / 2 + this.random() * (step / 2)));
      }
    }
    throw new StoreBusyError(lockKey.slice(LOCK_PREFIX.length));
  }
}

/** Another writer held the key for the whole retry budget; the caller should ask to retry. */
export class StoreBusyError extends Error {
  constructor(readonly key: string) {
    super(`storage key ${key} is busy with another update; try again`);
    this.name = 'StoreBusyError';
  }
}
