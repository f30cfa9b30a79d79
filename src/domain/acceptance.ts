/**
 * Acceptance records (rules.md, "Acceptance record", "Stale acceptance", "Valid acceptance").
 *
 * A record comes from the app's own storage (the truth, supplied by the caller) or, for readers
 * without it such as the CLI, from the `popm.acceptance` issue property. Anyone with edit rights
 * can write an issue property, so the property is validated: a malformed one is treated as no
 * record (the story needs accepting again, which is the safe reading) and reported as such in the
 * finding's message rather than silently ignored.
 */
// Pure JS SHA-256 (audited, no Node or Web Crypto): the domain runs unchanged in Node and the browser.
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import * as z from 'zod';
import { criteriaText } from './adf';
import { isRecord, timeOf } from './read';
import {
  ACCEPTANCE_PROPERTY,
  DECISION_KINDS,
  MAX_REASON_LENGTH,
  STATUS_CATEGORIES,
  type AcceptanceRecord,
  type Decision,
  type JiraIssue,
  type StatusCategory,
} from './types';

const isoDateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 date-time');
const fingerprintSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 fingerprint (64 hex digits)');

export const acceptanceRecordSchema = z.object({
  acceptedBy: z.string().min(1).max(128),
  acceptedAt: isoDateTime,
  statusCategory: z.enum(STATUS_CATEGORIES).optional(),
  criteria: fingerprintSchema.optional(),
  selfAppointed: z.literal(true).optional(),
});

/** A reason as people type it: trimmed, 1 to 2,000 characters. */
export const reasonSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_REASON_LENGTH, `must be at most ${MAX_REASON_LENGTH} characters`);

export const decisionSchema = z
  .object({
    kind: z.enum(DECISION_KINDS),
    by: z.string().min(1).max(128),
    at: isoDateTime,
    statusCategory: z.enum(STATUS_CATEGORIES),
    reason: reasonSchema.optional(),
    criteria: fingerprintSchema.optional(),
    selfAppointed: z.literal(true).optional(),
  })
  .strict()
  .refine((d) => d.kind !== 'rejected' || d.reason !== undefined, {
    message: 'a rejection needs a reason',
    path: ['reason'],
  });

export type AcceptanceRead =
  | { state: 'absent'; decisions?: Decision[] }
  | { state: 'malformed'; problem: string }
  | { state: 'present'; record: AcceptanceRecord; decisions?: Decision[] };

/** The acceptance record a history stands for: its latest decision when that is an acceptance. */
export function recordOf(decisions: readonly Decision[]): AcceptanceRecord | null {
  const last = decisions[decisions.length - 1];
  if (!last || last.kind !== 'accepted') return null;
  const record: AcceptanceRecord = {
    acceptedBy: last.by,
    acceptedAt: last.at,
    statusCategory: last.statusCategory,
  };
  if (last.criteria !== undefined) record.criteria = last.criteria;
  if (last.selfAppointed) record.selfAppointed = true;
  return record;
}

/** The latest decision when it is a rejection (rules.md, `story-rejected`). */
export function latestRejection(decisions: readonly Decision[] | undefined): Decision | null {
  const last = decisions?.[decisions.length - 1];
  return last?.kind === 'rejected' ? last : null;
}

function problemsOf(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((i) => `${prefix}${i.path.map(String).join('.') || (prefix ? '' : '(value)')}: ${i.message}`)
    .join('; ');
}

/** Reads a value that carries `decisions` (rules.md): the history decides the record. */
function parseWithDecisions(raw: unknown[]): AcceptanceRead {
  const parsed = z.array(decisionSchema).safeParse(raw);
  if (!parsed.success) return { state: 'malformed', problem: problemsOf(parsed.error, 'decisions.') };
  const decisions: Decision[] = parsed.data;
  const record = recordOf(decisions);
  return record ? { state: 'present', record, decisions } : { state: 'absent', decisions };
}

/** Validates an untrusted record (property value or stored record), with or without decisions. */
export function parseAcceptance(value: unknown): AcceptanceRead {
  if (value === undefined || value === null) return { state: 'absent' };
  if (isRecord(value) && Array.isArray(value.decisions) && value.decisions.length > 0)
    return parseWithDecisions(value.decisions);
  // Fast path for the common well-formed record (same checks as the schema); zod runs only to
  // explain a bad one. Scans read tens of thousands of records.
  if (isRecord(value) && value.criteria === undefined && value.selfAppointed === undefined) {
    const { acceptedBy, acceptedAt, statusCategory } = value;
    if (
      typeof acceptedBy === 'string' &&
      acceptedBy.length >= 1 &&
      acceptedBy.length <= 128 &&
      typeof acceptedAt === 'string' &&
      !Number.isNaN(Date.parse(acceptedAt))
    ) {
      if (statusCategory === undefined) return { state: 'present', record: { acceptedBy, acceptedAt } };
      if (statusCategory === 'new' || statusCategory === 'indeterminate' || statusCategory === 'done') {
        return { state: 'present', record: { acceptedBy, acceptedAt, statusCategory } };
      }
    }
  }
  const parsed = acceptanceRecordSchema.safeParse(value);
  if (parsed.success) {
    const record: AcceptanceRecord = {
      acceptedBy: parsed.data.acceptedBy,
      acceptedAt: parsed.data.acceptedAt,
    };
    if (parsed.data.statusCategory) record.statusCategory = parsed.data.statusCategory;
    if (parsed.data.criteria) record.criteria = parsed.data.criteria;
    if (parsed.data.selfAppointed) record.selfAppointed = true;
    return { state: 'present', record };
  }
  return { state: 'malformed', problem: problemsOf(parsed.error) };
}

/** SHA-256 (lower-case hex) of the story's acceptance criteria text; undefined without criteria. */
export function criteriaFingerprint(fieldValue: unknown, description: unknown): string | undefined {
  const text = criteriaText(fieldValue, description);
  return text === undefined ? undefined : bytesToHex(sha256(utf8ToBytes(text)));
}

/** How long before an acceptance a self-made owner change marks it `selfAppointed` (rules.md). */
export const SELF_APPOINTMENT_WINDOW_MS = 30 * 24 * 3600 * 1000;

/** A change that added `accountId` to a story's owners, made by `by` at `at`. */
export interface OwnerAppointment {
  accountId: string;
  by: string;
  at: string;
}

/** True when `accountId` made themselves an owner within the 30 days before `acceptedAt`. */
export function isSelfAppointed(
  accountId: string,
  acceptedAt: string,
  appointments: readonly OwnerAppointment[],
): boolean {
  const accepted = timeOf(acceptedAt);
  if (accepted === undefined) return false;
  return appointments.some((a) => {
    const at = timeOf(a.at);
    return (
      a.accountId === accountId &&
      a.by === accountId &&
      at !== undefined &&
      at <= accepted &&
      accepted - at <= SELF_APPOINTMENT_WINDOW_MS
    );
  });
}

/** The record mirrored to the issue property, as `/search/jql` returns it with `properties`. */
export function acceptanceFromProperty(issue: JiraIssue): AcceptanceRead {
  const props = issue.properties;
  if (!isRecord(props) || !Object.hasOwn(props, ACCEPTANCE_PROPERTY)) return { state: 'absent' };
  return parseAcceptance(props[ACCEPTANCE_PROPERTY]);
}

/**
 * Stale: the status category changed after the acceptance, and either the story is not done now
 * or it was already done when accepted (so it has left done and come back since). A story
 * accepted while in progress that then moved to done is the normal flow, not stale.
 */
export function isStale(
  record: AcceptanceRecord,
  current: StatusCategory,
  statusCategoryChangedAt: string | null | undefined,
): boolean {
  const changed = timeOf(statusCategoryChangedAt);
  const accepted = timeOf(record.acceptedAt);
  if (changed === undefined || accepted === undefined || changed <= accepted) return false;
  return current !== 'done' || (record.statusCategory ?? 'done') === 'done';
}

/** Accounts that may accept on behalf of `owners`: their own delegates and the project-wide ones. */
export function mayAccept(
  accountId: string,
  ownerIds: readonly string[],
  delegates: Record<string, string[]>,
): boolean {
  if (ownerIds.includes(accountId)) return true;
  if (isDelegate(accountId, ownerIds, delegates)) return true;
  return false;
}

export function isDelegate(
  accountId: string,
  ownerIds: readonly string[],
  delegates: Record<string, string[]>,
): boolean {
  for (const owner of ownerIds) {
    const list = Object.hasOwn(delegates, owner) ? delegates[owner] : undefined;
    if (list?.includes(accountId)) return true;
  }
  const projectWide = Object.hasOwn(delegates, '*') ? delegates['*'] : undefined;
  return projectWide?.includes(accountId) ?? false;
}
