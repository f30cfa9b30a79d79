/**
 * What each person of the local site owns, for the host's user switcher: a newcomer picks whom to
 * sign in as by role ("PO of 12 stories in ORB"), not by a bare name. Owners come from the domain's
 * own owner resolution over the whole snapshot under the default configuration, which is what the
 * local app runs with until an admin saves settings; computed once when the host starts.
 */
import { DEFAULT_CONFIG, type PopmConfig } from '../domain/config';
import { evaluate } from '../domain/engine';
import { ROLE_LEVELS, type RoleLevel, type UserRef } from '../domain/types';
import type { Snapshot } from '../snapshot/format';

/** Short role names for the switcher (the full names are in ROLE_NAMES). */
const ROLE_ABBREVIATION: Record<RoleLevel, string> = { portfolio: 'EO', program: 'PM', team: 'PO' };
/** What the issues of each level are called in the switcher. */
const LEVEL_NOUN: Record<RoleLevel, [one: string, many: string]> = {
  portfolio: ['epic', 'epics'],
  program: ['feature', 'features'],
  team: ['story', 'stories'],
};

export interface Ownership {
  role: RoleLevel;
  projectKey: string;
  count: number;
}

/** Per account: the issues it owns, by role and project (most first), from the domain's resolution. */
export function ownershipByAccount(
  snapshot: Snapshot,
  config: PopmConfig = DEFAULT_CONFIG,
): Map<string, Ownership[]> {
  const users: Record<string, UserRef> = {};
  for (const u of snapshot.users) {
    users[u.accountId] = { accountId: u.accountId, displayName: u.displayName, active: u.active };
  }
  // An empty project key audits nothing but still resolves every issue's level and owners.
  const result = evaluate(
    { issueTypes: snapshot.issueTypes, fields: snapshot.fields, issues: snapshot.issues, users },
    config,
    '',
  );
  const counts = new Map<string, Map<string, Ownership>>();
  for (const ev of result.issues) {
    const role = ROLE_LEVELS.find((l) => l === ev.level);
    if (!role) continue;
    for (const owner of ev.owners) {
      let mine = counts.get(owner.accountId);
      if (!mine) counts.set(owner.accountId, (mine = new Map<string, Ownership>()));
      const slot = `${role}\u0000${ev.projectKey}`;
      const entry = mine.get(slot) ?? { role, projectKey: ev.projectKey, count: 0 };
      entry.count++;
      mine.set(slot, entry);
    }
  }
  const out = new Map<string, Ownership[]>();
  for (const [accountId, mine] of counts) {
    out.set(
      accountId,
      [...mine.values()].sort(
        (a, b) =>
          ROLE_LEVELS.indexOf(b.role) - ROLE_LEVELS.indexOf(a.role) ||
          b.count - a.count ||
          a.projectKey.localeCompare(b.projectKey),
      ),
    );
  }
  return out;
}

/** "PO of 42 stories in ORB; PM of 3 features in ART; admin", or "owns nothing" when so. */
export function describeOwnership(owned: readonly Ownership[], admin: boolean): string {
  const parts = owned.map((o) => {
    const [one, many] = LEVEL_NOUN[o.role];
    return `${ROLE_ABBREVIATION[o.role]} of ${o.count} ${o.count === 1 ? one : many} in ${o.projectKey}`;
  });
  if (admin) parts.push('admin');
  return parts.length > 0 ? parts.join('; ') : 'owns nothing';
}
