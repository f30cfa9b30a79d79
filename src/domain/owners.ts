/**
 * Owner resolution (rules.md, "Owners of an issue"): the role's user field(s), then the team
 * mapping, then the project default; the first non-empty source wins. Inactive accounts are kept:
 * they still own the issue, and `owner-inactive` says so.
 */
import type { EffectiveConfig } from './config';
import { roleFieldIds } from './fields';
import { isRecord, knownUser, nonEmptyString, usersOf, type UserCache } from './read';
import type { JiraIssue, OwnerSource, RoleLevel, UserRef } from './types';

export interface OwnerResolution {
  owners: UserRef[];
  source: OwnerSource | null;
}

/** Everything owner resolution needs for one role level under one project's configuration. */
export interface OwnerRule {
  fieldIds: string[];
  teamField?: string;
  /** Team value -> account, exact keys. */
  teamOwners: Map<string, string>;
  /** Same, by lower-cased key: admins type team names by hand. */
  teamOwnersFolded: Map<string, string>;
  projectDefaults: Record<string, string>;
}

export function ownerRule(
  level: RoleLevel,
  config: EffectiveConfig,
  discovered: Record<RoleLevel, string[]>,
): OwnerRule {
  const role = config.roles[level];
  const teamOwners = new Map(Object.entries(role?.teamOwners ?? {}));
  const teamOwnersFolded = new Map<string, string>();
  for (const [k, v] of teamOwners) {
    const folded = k.trim().toLowerCase();
    if (!teamOwnersFolded.has(folded)) teamOwnersFolded.set(folded, v);
  }
  const rule: OwnerRule = {
    fieldIds: roleFieldIds(level, config, discovered),
    teamOwners,
    teamOwnersFolded,
    projectDefaults: role?.projectDefaults ?? {},
  };
  if (config.teamField) rule.teamField = config.teamField;
  return rule;
}

/**
 * The strings a team field value can be matched by: a plain string (text or label), a select
 * option (`{ value }`), a named object (`{ name }`, `{ title }`) or an Atlassian team
 * (`{ id, name }`, matched by id first, then name). Arrays (multi-selects, labels) give the
 * candidates of each element in order.
 */
export function teamCandidates(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [] : [value];
  if (Array.isArray(value)) return value.flatMap((v) => teamCandidates(v));
  if (!isRecord(value)) return [];
  const out: string[] = [];
  for (const prop of ['id', 'value', 'name', 'title'] as const) {
    const s = nonEmptyString(value[prop]);
    if (s !== undefined) out.push(s);
  }
  return out;
}

/** The team mapping's account for a team value: exact match first, then case-insensitive. */
export function teamOwnerOf(value: unknown, rule: OwnerRule): string | undefined {
  if (rule.teamOwners.size === 0) return undefined;
  const candidates = teamCandidates(value);
  for (const c of candidates) {
    const hit = rule.teamOwners.get(c);
    if (hit) return hit;
  }
  for (const c of candidates) {
    const hit = rule.teamOwnersFolded.get(c.trim().toLowerCase());
    if (hit) return hit;
  }
  return undefined;
}

export function resolveOwners(
  issue: JiraIssue,
  projectKey: string,
  rule: OwnerRule,
  users: Record<string, UserRef> | undefined,
  cache?: UserCache,
): OwnerResolution {
  for (const id of rule.fieldIds) {
    const owners = usersOf(issue.fields[id], users, cache);
    if (owners.length > 0) return { owners, source: 'field' };
  }
  if (rule.teamField) {
    const account = teamOwnerOf(issue.fields[rule.teamField], rule);
    if (account) return { owners: [cache?.get(account) ?? knownUser(account, users)], source: 'team' };
  }
  const fallback = Object.hasOwn(rule.projectDefaults, projectKey)
    ? rule.projectDefaults[projectKey]
    : undefined;
  if (fallback) return { owners: [cache?.get(fallback) ?? knownUser(fallback, users)], source: 'project' };
  return { owners: [], source: null };
}
