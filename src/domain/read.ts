/**
 * Small readers for Jira's loosely typed field values. Issues arrive as `Record<string, unknown>`
 * (Jira returns whatever shape a field has), so every read checks the shape it relies on instead of
 * casting. Hand-written rather than zod: they run several times per issue on 100,000-issue sites.
 */
import type { JiraIssue, StatusCategory, UserRef } from './types';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * A reference that Jira gives as an object (`{ key }`, `{ id }`) and snapshots give as a bare
 * string: reads either.
 */
export function refValue(value: unknown, prop: 'key' | 'id'): string | undefined {
  if (typeof value === 'string') return nonEmptyString(value);
  if (isRecord(value)) return nonEmptyString(value[prop]);
  return undefined;
}

/** Jira's issue key shape (`ABC-123`): project key, dash, a number that does not start with 0. */
export const ISSUE_KEY_RE = /^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$/;

/** The key of an issue's parent, when `parent` names a well-formed key. */
export function parentKeyOf(issue: JiraIssue): string | undefined {
  const key = refValue(issue.fields.parent, 'key');
  return key !== undefined && ISSUE_KEY_RE.test(key) ? key : undefined;
}

/** An issue's project key: its `project` field, else its key's prefix (Jira names issues after their project). */
export function projectKeyOf(issue: JiraIssue): string {
  return refValue(issue.fields.project, 'key') ?? issue.key.slice(0, issue.key.lastIndexOf('-'));
}

export function statusOf(value: unknown): { name: string; category: StatusCategory } {
  if (!isRecord(value)) return { name: '', category: 'new' };
  const name = typeof value.name === 'string' ? value.name : '';
  // Jira nests the category (`statusCategory.key`); snapshots flatten it to `category`.
  const raw = isRecord(value.statusCategory) ? value.statusCategory.key : value.category;
  // Jira also knows "undefined" (no category); it behaves like a status nobody started.
  const category: StatusCategory = raw === 'done' || raw === 'indeterminate' ? raw : 'new';
  return { name, category };
}

/** Milliseconds since the epoch of a Jira timestamp, or undefined when absent or unreadable. */
export function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Accounts already read in this evaluation. An account has the same details on every issue of one
 * scan, so one `UserRef` per account is shared instead of one per issue field (a large share of a
 * 100,000-issue result's memory otherwise).
 */
export type UserCache = Map<string, UserRef>;

/**
 * A Jira user object (`{ accountId, displayName, active, avatarUrls }`) or, as snapshots store
 * them, a bare account id whose details come from `directory`.
 */
export function userOf(
  value: unknown,
  directory: Record<string, UserRef> | undefined,
  cache?: UserCache,
): UserRef | undefined {
  if (typeof value === 'string') {
    const id = nonEmptyString(value);
    if (!id) return undefined;
    const hit = cache?.get(id);
    if (hit) return hit;
    const user = knownUser(id, directory);
    cache?.set(id, user);
    return user;
  }
  if (!isRecord(value)) return undefined;
  const accountId = nonEmptyString(value.accountId);
  if (!accountId) return undefined;
  const hit = cache?.get(accountId);
  if (hit) return hit;
  const known = directory && Object.hasOwn(directory, accountId) ? directory[accountId] : undefined;
  const user: UserRef = { accountId };
  const displayName = typeof value.displayName === 'string' ? value.displayName : known?.displayName;
  if (displayName !== undefined) user.displayName = displayName;
  // Jira omits `active` for some account types; absent means the account works.
  user.active = typeof value.active === 'boolean' ? value.active : (known?.active ?? true);
  const avatar = isRecord(value.avatarUrls) ? value.avatarUrls['48x48'] : undefined;
  const avatarUrl = typeof avatar === 'string' ? avatar : known?.avatarUrl;
  if (avatarUrl !== undefined) user.avatarUrl = avatarUrl;
  cache?.set(accountId, user);
  return user;
}

/** Users held by a single or multi user picker value, in field order, without duplicates. */
export function usersOf(
  value: unknown,
  directory: Record<string, UserRef> | undefined,
  cache?: UserCache,
): UserRef[] {
  if (Array.isArray(value)) {
    const out: UserRef[] = [];
    for (const item of value) {
      const user = userOf(item, directory, cache);
      if (user && !out.some((u) => u.accountId === user.accountId)) out.push(user);
    }
    return out;
  }
  const user = userOf(value, directory, cache);
  return user ? [user] : [];
}

/** An account named only by id (team or project fallback): details from the site's users, if any. */
export function knownUser(accountId: string, directory: Record<string, UserRef> | undefined): UserRef {
  const known = directory && Object.hasOwn(directory, accountId) ? directory[accountId] : undefined;
  const user: UserRef = { accountId, active: known?.active ?? true };
  if (known?.displayName !== undefined) user.displayName = known.displayName;
  if (known?.avatarUrl !== undefined) user.avatarUrl = known.avatarUrl;
  return user;
}

/** Compares issue keys by project, then by number (so ART-9 comes before ART-10). */
export function compareIssueKeys(a: string, b: string): number {
  const da = a.lastIndexOf('-');
  const db = b.lastIndexOf('-');
  const pa = da < 0 ? a : a.slice(0, da);
  const pb = db < 0 ? b : b.slice(0, db);
  if (pa !== pb) return pa < pb ? -1 : 1;
  const na = da < 0 ? NaN : Number(a.slice(da + 1));
  const nb = db < 0 ? NaN : Number(b.slice(db + 1));
  if (na !== nb && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}
