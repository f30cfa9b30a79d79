/**
 * An in-memory stand-in for the Forge KVS service, answering the HTTP API that the bundled
 * `@forge/kvs` calls through `__forge_fetch__({ type: 'kvs' }, '/api/v1/<op>', { body })`
 * (read from node_modules/@forge/kvs/out/storage-api.js). Only the operations on plain keys are
 * answered; custom entities and secrets answer 501, so a test that starts using them fails loudly
 * instead of passing on a store that does nothing.
 *
 * Forge's limits are applied where the service applies them: keys of at most 500 characters of
 * Forge's key alphabet, values of at most 240 KiB and nesting depth 32, at most 20 results per
 * query page (10 when no limit is asked). The error codes for oversize input are this stand-in's
 * own (`BAD_REQUEST`); Forge's exact codes are not published.
 */

interface Entry {
  value: unknown;
  createdAt: number;
  updatedAt: number;
  expiresAt?: number;
}

export interface KvsAnswer {
  status: number;
  body?: unknown;
}

const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s#-]+$/;
const MAX_KEY = 500;
const MAX_VALUE_BYTES = 240 * 1024;
const MAX_DEPTH = 32;
const MAX_PAGE = 20;
const DEFAULT_PAGE = 10;

const TTL_UNITS: Record<string, number> = {
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};

function depth(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((max, v) => Math.max(max, depth(v)), 0);
}

function error(status: number, code: string, message: string): KvsAnswer {
  return { status, body: { code, message } };
}

type Body = Record<string, unknown>;

export class KvsStandIn {
  private readonly entries = new Map<string, Entry>();
  /** Requests answered, by operation path. */
  readonly calls = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Live keys, sorted (for tests). */
  keys(): string[] {
    return [...this.entries.keys()].filter((k) => this.live(k) !== undefined).sort();
  }

  peek(key: string): unknown {
    return this.live(key)?.value;
  }

  handle(path: string, body: Body): KvsAnswer {
    this.calls.set(path, (this.calls.get(path) ?? 0) + 1);
    switch (path) {
      case '/api/v1/get':
        return this.get(body);
      case '/api/v1/set':
        return this.set(body);
      case '/api/v1/delete':
        return this.remove(body);
      case '/api/v1/query':
        return this.query(body);
      case '/api/v1/batch/get':
        return this.batch(body, (item) => this.get(item));
      case '/api/v1/batch/set':
        return this.batch(body, (item) => this.set(item));
      case '/api/v1/batch/delete':
        return this.batch(body, (item) => this.remove(item));
      default:
        return error(501, 'NOT_IMPLEMENTED', `the KVS stand-in does not implement ${path}`);
    }
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private checkKey(key: unknown): string | KvsAnswer {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY || !KEY_PATTERN.test(key))
      return error(400, 'BAD_REQUEST', `invalid key ${JSON.stringify(key).slice(0, 80)}`);
    return key;
  }

  private get(body: Body): KvsAnswer {
    const key = this.checkKey(body.key);
    if (typeof key !== 'string') return key;
    const entry = this.live(key);
    if (!entry) return error(404, 'KEY_NOT_FOUND', `no value for ${key}`);
    return {
      status: 200,
      body: {
        key,
        value: entry.value,
        createdAt: entry.createdAt,
        updatedAt: entry.updatedAt,
        ...(entry.expiresAt !== undefined ? { expireTime: new Date(entry.expiresAt).toISOString() } : {}),
      },
    };
  }

  private set(body: Body): KvsAnswer {
    const key = this.checkKey(body.key);
    if (typeof key !== 'string') return key;
    const size = Buffer.byteLength(JSON.stringify(body.value ?? null));
    if (size > MAX_VALUE_BYTES)
      return error(400, 'BAD_REQUEST', `value of ${key} is ${size} bytes, over ${MAX_VALUE_BYTES}`);
    if (depth(body.value) > MAX_DEPTH)
      return error(400, 'BAD_REQUEST', `value of ${key} is nested deeper than ${MAX_DEPTH}`);
    const options = (body.options ?? {}) as { keyPolicy?: string; ttl?: { value: number; unit: string } };
    const existing = this.live(key);
    if (options.keyPolicy === 'FAIL_IF_EXISTS' && existing)
      return error(409, 'KEY_CONFLICT', `${key} already exists`);
    const now = this.now();
    const entry: Entry = { value: body.value, createdAt: existing?.createdAt ?? now, updatedAt: now };
    if (options.ttl) entry.expiresAt = now + options.ttl.value * (TTL_UNITS[options.ttl.unit] ?? 1000);
    this.entries.set(key, entry);
    return 'returnValue' in options ? { status: 200, body: { key, value: entry.value } } : { status: 204 };
  }

  private remove(body: Body): KvsAnswer {
    const key = this.checkKey(body.key);
    if (typeof key !== 'string') return key;
    this.entries.delete(key);
    return { status: 204 };
  }

  private query(body: Body): KvsAnswer {
    const where = Array.isArray(body.where) ? (body.where as Body[]) : [];
    for (const w of where) {
      if (w.property !== 'key' || w.condition !== 'BEGINS_WITH')
        return error(501, 'NOT_IMPLEMENTED', `the KVS stand-in answers only key BEGINS_WITH queries`);
    }
    const prefixes = where.map((w) => {
      const value = Array.isArray(w.values) ? (w.values as unknown[])[0] : undefined;
      return typeof value === 'string' ? value : '';
    });
    const asked = typeof body.limit === 'number' ? body.limit : DEFAULT_PAGE;
    const limit = Math.min(asked, MAX_PAGE);
    const keys = this.keys().filter((k) => prefixes.every((p) => k.startsWith(p)));
    const after = typeof body.after === 'string' ? Buffer.from(body.after, 'base64url').toString('utf8') : '';
    const rest = after === '' ? keys : keys.filter((k) => k > after);
    const page = rest.slice(0, limit);
    const last = page[page.length - 1];
    return {
      status: 200,
      body: {
        data: page.map((key) => ({ key, value: this.live(key)?.value })),
        ...(rest.length > limit && last !== undefined
          ? { cursor: Buffer.from(last, 'utf8').toString('base64url') }
          : {}),
      },
    };
  }

  private batch(body: Body, one: (item: Body) => KvsAnswer): KvsAnswer {
    const items = Array.isArray(body) ? (body as Body[]) : [];
    const successfulKeys: unknown[] = [];
    const failedKeys: unknown[] = [];
    for (const item of items) {
      const answer = one(item);
      if (answer.status < 300) successfulKeys.push(answer.body ?? { key: item.key });
      else failedKeys.push({ key: item.key, error: answer.body });
    }
    return { status: 200, body: { successfulKeys, failedKeys } };
  }
}
