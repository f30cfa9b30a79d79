/** Engine results to the contract's view shapes. */
import { ROLE_NAMES, type EvaluatedIssue, type Severity, type UserRef } from '../domain/types';
import type { IssueSummary, OwnerView } from '../shared/contract';
import type { StoredAcceptance } from '../storage/acceptance-store';

export function ownerView(user: UserRef): OwnerView {
  const view: OwnerView = {
    accountId: user.accountId,
    displayName: user.displayName ?? user.accountId,
    active: user.active ?? true,
  };
  if (user.avatarUrl) view.avatarUrl = user.avatarUrl;
  return view;
}

export function issueSummary(ev: EvaluatedIssue, stored: StoredAcceptance | undefined): IssueSummary {
  let acceptance: IssueSummary['acceptance'] = null;
  if (ev.acceptance) {
    const acceptedByName = ev.acceptedByName;
    // The record's own fields only: its criteria fingerprint and self-appointment speak through findings.
    const { acceptedBy, acceptedAt, statusCategory } = ev.acceptance;
    acceptance = {
      acceptedBy,
      acceptedAt,
      ...(statusCategory ? { statusCategory } : {}),
      valid: ev.acceptanceValid,
      // The trigger marks staleness the moment a story leaves done; the engine re-derives it.
      stale: ev.acceptanceStale || stored?.staleSince !== undefined,
      ...(acceptedByName ? { acceptedByName } : {}),
    };
  }
  return {
    key: ev.key,
    summary: ev.summary,
    projectKey: ev.projectKey,
    issueType: ev.issueTypeName,
    level: ev.level,
    status: ev.status,
    owners: ev.owners.map(ownerView),
    ownerSource: ev.ownerSource,
    role: ev.level === 'subtask' ? null : ROLE_NAMES[ev.level],
    acceptance,
    findings: ev.findings,
    belowCounts: ev.belowCounts,
  };
}

export function countBySeverity(findings: readonly { severity: Severity }[]): Record<Severity, number> {
  const out: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) out[f.severity] += 1;
  return out;
}
