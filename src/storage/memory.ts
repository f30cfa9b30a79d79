/**
 * In-memory KeyValueStore for tests and the local host. Values are cloned on the way in and out
 * (as a real store serialises them), and `update` is a genuine compare-and-swap: it yields between
 * reading and writing, so concurrent updates really interleave and the version check decides.
 */
import type { KeyValueStore } from './store';

interface Entry {
  version: number;
  value: unknown;
}

const MAX_ATTEMPTS = 50;

export class MemoryStore implements KeyValueStore {
  private readonly data = new Map<string, Entry>();
  /** Successful compare-and-swap commits and lost races, for tests that assert a race happened. */
  readonly stats = { commits: 0, conflicts: 0 };

  constructor(initial: Record<string, unknown> = {}) {
    for (const [key, value] of Object.entries(initial))
      this.data.set(key, { version: 1, value: clone(value) });
  }

  get<T = unknown>(key: string): Promise<T | undefined> {
    const entry = this.data.get(key);
    // The store holds whatever was written; callers validate what they read (zod), as with kvs.
    return Promise.resolve(entry === undefined ? undefined : (clone(entry.value) as T));
  }

  set(key: string, value: unknown): Promise<void> {
    const version = (this.data.get(key)?.version ?? 0) + 1;
    this.data.set(key, { version, value: clone(value) });
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.data.delete(key);
    return Promise.resolve();
  }

  list<T = unknown>(prefix: string): Promise<{ key: string; value: T }[]> {
    const out: { key: string; value: T }[] = [];
    for (const [key, entry] of [...this.data.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (key.startsWith(prefix)) out.push({ key, value: clone(entry.value) as T });
    }
    return Promise.resolve(out);
  }

  async update<T>(key: string, update: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const before = this.data.get(key);
      const seenVersion = before?.version ?? 0;
      const next = update(before === undefined ? undefined : (clone(before.value) as T));
      // Let other writers run between our read and our write, as a remote store would.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const now = this.data.get(key);
      if ((now?.version ?? 0) !== seenVersion || now !== before) {
        this.stats.conflicts += 1;
        continue;
      }
      if (next === undefined) this.data.delete(key);
      else this.data.set(key, { version: seenVersion + 1, value: clone(next) });
      this.stats.commits += 1;
      return next === undefined ? undefined : clone(next);
    }
    throw new Error(`update of ${key} lost ${MAX_ATTEMPTS} races in a row; giving up`);
  }

  /** Test helper: write a raw value (e.g. a corrupt one) bypassing any typed store. */
  setRaw(key: string, value: unknown): void {
    this.data.set(key, { version: (this.data.get(key)?.version ?? 0) + 1, value: clone(value) });
  }
}

function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
