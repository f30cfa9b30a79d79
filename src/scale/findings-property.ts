/**
 * The small `popm.findings` issue property indexed for JQL (manifest `jira:entityProperty`):
 * `popmRule = story-missing-po`, `popmSeverity = error`, `popmAcceptanceValid = no`,
 * `popmFindingCount > 0`. Written as the app; readers must not trust it for decisions.
 */
import { z } from 'zod';
import {
  FINDINGS_PROPERTY,
  SEVERITIES,
  type EvaluatedIssue,
  type RuleId,
  type Severity,
} from '../domain/types';
import type { JiraApi } from '../jira/api';
import { fnv1a32 } from '../domain/hash';

export interface FindingsPropertyValue {
  rules: RuleId[];
  severity: Severity | 'none';
  /** 'n/a' for issues that are not stories. */
  acceptanceValid: 'yes' | 'no' | 'n/a';
  count: number;
  updatedAt: string;
}

export function findingsPropertyValue(ev: EvaluatedIssue, now: Date): FindingsPropertyValue {
  const rules = [...new Set(ev.findings.map((f) => f.rule))];
  const severity = SEVERITIES.find((s) => ev.findings.some((f) => f.severity === s)) ?? 'none';
  return {
    rules,
    severity,
    acceptanceValid: ev.level === 'team' ? (ev.acceptanceValid ? 'yes' : 'no') : 'n/a',
    count: ev.findings.length,
    updatedAt: now.toISOString(),
  };
}

/** What a fingerprint reads of a stored value; anything else (malformed, absent) has none. */
const storedValueSchema = z.looseObject({
  rules: z.array(z.string()),
  severity: z.string(),
  acceptanceValid: z.string(),
  count: z.number(),
});

/**
 * A short, order-sensitive fingerprint of a `popm.findings` value, everything but `updatedAt`:
 * the project scan keeps one per issue as read from Jira and rewrites only the issues whose new
 * value fingerprints differently. Undefined for a value that is not of this shape (so it gets
 * rewritten). Two 32-bit FNV-style hashes with different seeds and multipliers: a stale value
 * slips through only if both collide, and it costs 14 characters instead of the value's 40 to 100.
 */
export function findingsFingerprint(value: unknown): string | undefined {
  const parsed = storedValueSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const v = parsed.data;
  const text = `${v.acceptanceValid}\u0000${v.severity}\u0000${v.count}\u0000${v.rules.join('\u0000')}`;
  return hash32(text, 0x811c9dc5, 0x01000193) + hash32(text, 0x050c5d1f, 0x5bd1e995);
}

function hash32(s: string, seed: number, prime: number): string {
  return fnv1a32(s, seed, prime).toString(36).padStart(7, '0');
}

export async function writeFindingsProperty(api: JiraApi, ev: EvaluatedIssue, now: Date): Promise<void> {
  await api.setIssueProperty(ev.key, FINDINGS_PROPERTY, findingsPropertyValue(ev, now));
}
