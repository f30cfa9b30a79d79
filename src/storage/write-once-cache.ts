import { valueBytes } from './limits';
import type { KeyValueStore } from './store';

/**
 * A store whose reads of write-once keys are remembered for the length of one invocation.
 *
 * The stored tree writes every chunk and index shard under a fresh random key and never rewrites
 * one (tree-store.ts), so a value read under such a key stays right for as long as the key exists.
 * A daily sync patches hundreds of issues one after the other; without this each patch read the
 * same shards and the feature's chunk again (about 160 kvs units of 10 KB per changed issue at
 * 10,000 issues, measured by bench/sync.ts), against Forge's ~4,000 read units a minute.
 *
 * A key deleted meanwhile (cleanup after a newer manifest) may still answer from here; only a
 * writer holding an older manifest asks for it, and that writer's compare-and-swap of the manifest
 * fails, so it retries from the current one. Every other key goes to the store each time.
 */
export class WriteOnceReadCache implements KeyValueStore {
  private readonly cache = new Map<string, { value: unknown; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly inner: KeyValueStore,
    private readonly isWriteOnce: (key: string) => boolean,
    /** Memory kept for cached values; the oldest go first (Forge functions have 512 MB by default). */
    private readonly maxBytes = 48 * 1024 * 1024,
  ) {}

  async get(key: string): Promise<unknown> {
    const hit = this.cache.get(key);
    if (hit) {
      // Most recently used last, so eviction drops the coldest value.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return structuredClone(hit.value);
    }
    const value = await this.inner.get(key);
    if (value !== undefined && this.isWriteOnce(key)) this.remember(key, value);
    return value;
  }

  set(key: string, value: unknown, options?: { ttlSeconds?: number }): Promise<void> {
    this.forget(key);
    return this.inner.set(key, value, options);
  }

  delete(key: string): Promise<void> {
    this.forget(key);
    return this.inner.delete(key);
  }

  list(prefix: string): Promise<{ key: string; value: unknown }[]> {
    return this.inner.list(prefix);
  }

  update<T>(key: string, update: (current: unknown) => T | undefined): Promise<T | undefined> {
    this.forget(key);
    return this.inner.update(key, update);
  }

  private remember(key: string, value: unknown): void {
    const bytes = valueBytes(value);
    if (bytes > this.maxBytes) return;
    // A copy, so a caller that changes what it read cannot change what the next reader gets.
    this.cache.set(key, { value: structuredClone(value), bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.cache) {
      if (this.bytes <= this.maxBytes) break;
      this.cache.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  private forget(key: string): void {
    const entry = this.cache.get(key);
    if (!entry) return;
    this.cache.delete(key);
    this.bytes -= entry.bytes;
  }
}
