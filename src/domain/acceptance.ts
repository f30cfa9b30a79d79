/**
 * Acceptance records (rules.md, "Acceptance record", "Stale acceptance", "Valid acceptance").
 *
 * A record comes from the app's own storage (the truth, supplied by the caller) or, for readers
 * without it such as the CLI, from the `popm.acceptance` issue property. Anyone with edit rights
 * can write an issue property, so the property is validated: a malformed one is treated as no
 * record (the story needs accepting again, which is the safe reading) and reported as such in the
 * finding's message rather than silently ignored.
 */
import { z } from 'zod';
import { isRecord, timeOf } from './read';
import {
  ACCEPTANCE_PROPERTY,
  STATUS_CATEGORIES,
  type AcceptanceRecord,
  type JiraIssue,
  type StatusCategory,
} from './types';

export const acceptanceRecordSchema = z.object({
  acceptedBy: z.string().min(1).max(128),
  acceptedAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 date-time'),
  statusCategory: z.enum(STATUS_CATEGORIES).optional(),
});

export type AcceptanceRead =
  | { state: 'absent' }
  | { state: 'malformed'; problem: string }
  | { state: 'present'; record: AcceptanceRecord };

/** Validates an untrusted record (property value or stored record). */
export function parseAcceptance(value: unknown): AcceptanceRead {
  if (value === undefined || value === null) return { state: 'absent' };
  // Fast path for the common well-formed record (same checks as the schema); zod runs only to
  // explain a bad one. Scans read tens of thousands of records.
  if (isRecord(value)) {
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
    return { state: 'present', record };
  }
  const problem = parsed.error.issues
    .map((i) => `${i.path.map(String).join('.') || '(value)'}: ${i.message}`)
    .join('; ');
  return { state: 'malformed', problem };
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
