/**
 * The app's storage seam. On Forge it is `@forge/kvs`; locally and in tests an in-memory map.
 * Services depend on this interface only.
 */
export interface KeyValueStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  /**
   * `ttlSeconds` lets the store drop the key by itself (caches); it is a garbage-collection hint,
   * not a clock: readers of an expiring value still check its age.
   */
  set(key: string, value: unknown, options?: { ttlSeconds?: number }): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix`, with their values (paged internally). */
  list<T = unknown>(prefix: string): Promise<{ key: string; value: T }[]>;
  /**
   * Atomic read-modify-write of one key: `update` gets the current value and returns the new one
   * (or `undefined` to delete). Retries on a concurrent change; two racing writers never both win
   * on a stale read.
   */
  update<T>(key: string, update: (current: T | undefined) => T | undefined): Promise<T | undefined>;
}
