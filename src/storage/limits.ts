/**
 * What Forge's Key-Value Store refuses, in one place, so the in-memory stand-in (tests, local
 * host) refuses exactly the same and the app can check a value before trying to store it.
 * Source: Forge's "Error handling for the Key-Value Store" and "KVS and Custom Entity Store
 * limits" pages (key regex, 500 characters, 240 KiB per value, object depth 32, 20 results per
 * query page).
 */

/** Forge's documented pattern `/^(?!\s+$)[a-zA-Z0-9:._\s-#]+$/`; `-` written last so it is literal. */
export const KVS_KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s#-]+$/;
export const KVS_MAX_KEY_LENGTH = 500;
export const KVS_MAX_VALUE_BYTES = 240 * 1024;
export const KVS_MAX_DEPTH = 32;
export const KVS_MAX_QUERY_LIMIT = 20;

export type KvsLimitCode =
  'EMPTY_KEY' | 'KEY_TOO_LONG' | 'INVALID_KEY' | 'MAX_SIZE' | 'MAX_DEPTH' | 'INVALID_LIMIT';

/** Shaped like @forge/kvs's ForgeKvsAPIError (`code`, `responseDetails.status`), which Forge answers with 400. */
export class KvsLimitError extends Error {
  readonly responseDetails = { status: 400, statusText: 'Bad Request' };
  constructor(
    readonly code: KvsLimitCode,
    message: string,
  ) {
    super(message);
    this.name = 'KvsLimitError';
  }
}

export function checkKey(key: string): void {
  if (key.length === 0) throw new KvsLimitError('EMPTY_KEY', 'kvs key must not be empty');
  if (key.length > KVS_MAX_KEY_LENGTH) {
    throw new KvsLimitError(
      'KEY_TOO_LONG',
      `kvs key of ${key.length} characters exceeds the maximum ${KVS_MAX_KEY_LENGTH}: ${key.slice(0, 60)}…`,
    );
  }
  if (!KVS_KEY_PATTERN.test(key)) {
    throw new KvsLimitError(
      'INVALID_KEY',
      `kvs key ${JSON.stringify(key.slice(0, 80))} does not match ${String(KVS_KEY_PATTERN)}`,
    );
  }
}

/** Bytes of the value as stored (UTF-8 JSON). */
export function valueBytes(value: unknown): number {
  const text = JSON.stringify(value) as string | undefined; // undefined for undefined and functions
  return Buffer.byteLength(text ?? '', 'utf8');
}

/** Nesting depth: a scalar is 0, `{}`/`[]` is 1, `{ a: [1] }` is 2. */
export function valueDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    // Past the limit the exact figure no longer matters; stop before a hostile value costs more.
    if (here > KVS_MAX_DEPTH) return here;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, here]);
  }
  return deepest;
}

export function checkValue(key: string, value: unknown): void {
  const depth = valueDepth(value);
  if (depth > KVS_MAX_DEPTH) {
    throw new KvsLimitError(
      'MAX_DEPTH',
      `value of kvs key ${key} is nested ${depth} deep; the maximum is ${KVS_MAX_DEPTH}`,
    );
  }
  const bytes = valueBytes(value);
  if (bytes > KVS_MAX_VALUE_BYTES) {
    throw new KvsLimitError(
      'MAX_SIZE',
      `value of kvs key ${key} is ${bytes} bytes; the maximum is ${KVS_MAX_VALUE_BYTES} (240 KiB)`,
    );
  }
}

export function checkQueryLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > KVS_MAX_QUERY_LIMIT) {
    throw new KvsLimitError(
      'INVALID_LIMIT',
      `kvs query limit ${limit} is outside 1..${KVS_MAX_QUERY_LIMIT}, the most Forge returns per page`,
    );
  }
}
