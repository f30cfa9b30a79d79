/**
 * The app's KeyValueStore over Forge's `@forge/kvs`.
 *
 * `@forge/kvs` offers conditional writes on plain keys only as "create if absent"
 * (`keyPolicy: 'FAIL_IF_EXISTS'`, answered with 409 KEY_CONFLICT); value conditions exist only for
 * custom entities. `update` therefore takes a lease on a companion lock key with FAIL_IF_EXISTS
 * (atomic: one writer wins), reads, writes and releases. The lease has a TTL so a crashed
 * invocation cannot block the key for longer than LOCK_TTL_SECONDS.
 *
 * A holder can outlive its lease (a slow read, a paused process); once the TTL has passed another
 * writer may hold the key. So the lease is fenced by its token: right before writing, the holder
 * checks that its lease still has LEASE_MARGIN_MS to run by its own clock and that the lock key
 * still holds its token; otherwise it writes nothing and fails with LeaseLostError. Release
 * deletes the lock only while it is still this holder's (same checks), never a later writer's.
 * What remains is the time one `set` call takes to land after the check, which the margin covers.
 */
import { requireBudget, remainingMs, type Deadline } from '../domain/deadline';
import { KVS_MAX_QUERY_LIMIT } from './limits';
import type { KeyValueStore } from './store';

/** The part of `@forge/kvs`'s `kvs` the app uses; `kvs` itself and MemoryKvs both satisfy it. */
export interface KvsApi {
  get(key: string): Promise<unknown>;
  set(
    key: string,
    value: unknown,
    options?: {
      keyPolicy?: 'OVERRIDE' | 'FAIL_IF_EXISTS';
      ttl?: { value: number; unit: 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS' };
    },
  ): Promise<void>;
  delete(key: string): Promise<void>;
  query(): KvsQuery;
}

export interface KvsQuery {
  where(property: 'key', condition: { condition: 'BEGINS_WITH'; values: [string] }): KvsQuery;
  cursor(cursor: string): KvsQuery;
  limit(limit: number): KvsQuery;
  getMany(): Promise<{ results: { key: string; value: unknown }[]; nextCursor?: string }>;
}

export const LOCK_PREFIX = 'lock:';
export const LOCK_TTL_SECONDS = 20;
/** A write starts only with at least this much of the lease left (by the holder's clock). */
export const LEASE_MARGIN_MS = 5_000;
/** Time an update needs once its lease is held (read, write, release), kept free of waiting. */
export const UPDATE_BUDGET_MS = 3_000;
const MAX_LOCK_ATTEMPTS = 12;
/** Forge returns at most 20 results per query page; asking for more is refused. */
export const PAGE_SIZE = KVS_MAX_QUERY_LIMIT;

export interface KvsStoreOptions {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Unique per lease: the fence that tells this holder's lease from a later one. */
  token?: () => string;
  now?: () => number;
  /** The invocation's deadline: an update that could not finish before it does not start. */
  deadline?: Deadline;
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

/** Every key starting with `prefix`, a page of at most PAGE_SIZE at a time. */
export async function listByPrefix(
  kvs: Pick<KvsApi, 'query'>,
  prefix: string,
): Promise<{ key: string; value: unknown }[]> {
  const out: { key: string; value: unknown }[] = [];
  let cursor: string | undefined;
  do {
    let query = kvs
      .query()
      .where('key', { condition: 'BEGINS_WITH', values: [prefix] })
      .limit(PAGE_SIZE);
    if (cursor !== undefined) query = query.cursor(cursor);
    const page = await query.getMany();
    for (const r of page.results) out.push({ key: r.key, value: r.value });
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

interface Lease {
  lockKey: string;
  token: string;
  /** By this holder's clock, taken before the lock was asked for, so never later than the TTL's end. */
  expiresAt: number;
}

export class KvsStore implements KeyValueStore {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly token: () => string;
  private readonly now: () => number;
  private readonly deadline: Deadline | undefined;

  constructor(
    private readonly kvs: KvsApi,
    options: KvsStoreOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.token = options.token ?? (() => `${Date.now()}-${Math.floor(Math.random() * 1e9)}`);
    this.now = options.now ?? Date.now;
    this.deadline = options.deadline;
  }

  get(key: string): Promise<unknown> {
    return this.kvs.get(key);
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

  list(prefix: string): Promise<{ key: string; value: unknown }[]> {
    return listByPrefix(this.kvs, prefix);
  }

  async update<T>(key: string, update: (current: unknown) => T | undefined): Promise<T | undefined> {
    // Finish or do not start: a lease taken with no time left would be cut off mid-write.
    requireBudget(this.deadline, UPDATE_BUDGET_MS, `update ${key}`);
    const lease = await this.acquire(`${LOCK_PREFIX}${key}`);
    try {
      const current = await this.kvs.get(key);
      const next = update(current);
      await this.checkFence(lease, key);
      if (next === undefined) await this.kvs.delete(key);
      else await this.kvs.set(key, next);
      return next;
    } finally {
      await this.release(lease);
    }
  }

  private async acquire(lockKey: string): Promise<Lease> {
    for (let attempt = 1; attempt <= MAX_LOCK_ATTEMPTS; attempt++) {
      const token = this.token();
      const askedAt = this.now();
      try {
        await this.kvs.set(lockKey, token, {
          keyPolicy: 'FAIL_IF_EXISTS',
          ttl: { value: LOCK_TTL_SECONDS, unit: 'SECONDS' },
        });
        return { lockKey, token, expiresAt: askedAt + LOCK_TTL_SECONDS * 1000 };
      } catch (error) {
        if (!isKeyConflict(error)) throw error;
        // Equal jitter so two waiting writers do not retry in lockstep.
        const step = Math.min(2000, 50 * 2 ** (attempt - 1));
        const wait = Math.floor(step / 2 + this.random() * (step / 2));
        // Never wait into the time the update itself needs before the deadline.
        if (remainingMs(this.deadline) - wait < UPDATE_BUDGET_MS) break;
        await this.sleep(wait);
      }
    }
    throw new StoreBusyError(lockKey.slice(LOCK_PREFIX.length));
  }

  /** Throws LeaseLostError unless this lease is still ours with time to spare. */
  private async checkFence(lease: Lease, key: string): Promise<void> {
    if (lease.expiresAt - this.now() < LEASE_MARGIN_MS) throw new LeaseLostError(key);
    const holder = await this.kvs.get(lease.lockKey);
    if (holder !== lease.token) throw new LeaseLostError(key);
  }

  private async release(lease: Lease): Promise<void> {
    // Past our lease the lock key, if any, belongs to someone else: leave it alone.
    if (this.now() >= lease.expiresAt) return;
    const holder = await this.kvs.get(lease.lockKey);
    if (holder === lease.token) await this.kvs.delete(lease.lockKey);
  }
}

/** Another writer held the key for the whole retry budget; the caller should ask to retry. */
export class StoreBusyError extends Error {
  constructor(
    readonly key: string,
    message = `storage key ${key} is busy with another update; try again`,
  ) {
    super(message);
    this.name = 'StoreBusyError';
  }
}

/**
 * The update outlived its lease (or someone else holds the lock now): it wrote nothing, so a later
 * writer's value stands. Retrying reads that value afresh.
 */
export class LeaseLostError extends StoreBusyError {
  constructor(key: string) {
    super(
      key,
      `the update of storage key ${key} took longer than its lock allows and was not written; try again`,
    );
    this.name = 'LeaseLostError';
  }
}
