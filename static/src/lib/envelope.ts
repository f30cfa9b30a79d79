/**
 * The runtime check of a resolver answer's envelope, by hand rather than with zod: the UI bundles
 * carry no schema library (zod alone would be ~450 KB of the issue context's JavaScript). The data
 * inside is our own resolver's contract type; only the envelope proves the answer is a resolver's
 * and not a host error.
 */
import type { ErrorCode, ResultError } from '../../../src/shared/contract';
import { ERROR_TITLES } from '../errors';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(ERROR_TITLES, v);
}

function parseDetails(v: unknown): ResultError['details'] | null | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return null;
  const out: NonNullable<ResultError['details']> = [];
  for (const d of v as unknown[]) {
    if (!isRecord(d) || typeof d.path !== 'string' || typeof d.message !== 'string') return null;
    out.push({ path: d.path, message: d.message });
  }
  return out;
}

export type Envelope = { ok: true; data: unknown } | { ok: false; error: ResultError };

/** The envelope, or null when `raw` is not one. Unknown keys are dropped. */
export function parseEnvelope(raw: unknown): Envelope | null {
  if (!isRecord(raw)) return null;
  if (raw.ok === true) return 'data' in raw ? { ok: true, data: raw.data } : null;
  if (raw.ok !== false || !isRecord(raw.error)) return null;
  const { code, message, details } = raw.error;
  if (!isErrorCode(code) || typeof message !== 'string') return null;
  const parsed = parseDetails(details);
  if (parsed === null) return null;
  return { ok: false, error: parsed ? { code, message, details: parsed } : { code, message } };
}
