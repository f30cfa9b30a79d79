import { z, type ZodType } from 'zod';

/**
 * The app's storage seam. On Forge it is `@forge/kvs`; locally and in tests an in-memory map.
 * Services depend on this interface only.
 */
export interface KeyValueStore {
  /**
   * What is stored under `key` as it was written, or undefined. It is `unknown` on purpose: data
   * written by an older version (or damaged) must be parsed by the caller (parseStored), not cast.
   */
  get(key: string): Promise<unknown>;
  /**
   * `ttlSeconds` lets the store drop the key by itself (caches); it is a garbage-collection hint,
   * not a clock: readers of an expiring value still check its age.
   */
  set(key: string, value: unknown, options?: { ttlSeconds?: number }): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix`, with their values (paged internally). */
  list(prefix: string): Promise<{ key: string; value: unknown }[]>;
  /**
   * Atomic read-modify-write of one key: `update` gets the current value and returns the new one
   * (or `undefined` to delete). Retries on a concurrent change; two racing writers never both win
   * on a stale read. `current` is unknown for the same reason as `get`'s result.
   */
  update<T>(key: string, update: (current: unknown) => T | undefined): Promise<T | undefined>;
}

/** A stored value that does not have the shape its key promises: named, so it can be repaired. */
export class StoredDataError extends Error {
  constructor(
    readonly key: string,
    readonly issues: string,
  ) {
    super(`stored value under ${key} is unreadable: ${issues}`);
    this.name = 'StoredDataError';
  }
}

/**
 * The stored value under `key` as `schema` reads it, or undefined when the key is absent. A value
 * of the wrong shape throws StoredDataError naming the key, so it is never silently replaced.
 */
export function parseStored<T>(schema: ZodType<T>, key: string, raw: unknown): T | undefined {
  if (raw === undefined) return undefined;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new StoredDataError(key, z.prettifyError(parsed.error));
  return parsed.data;
}
