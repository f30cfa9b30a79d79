/**
 * Who may decide on a story (rules.md, "Who may decide"), on its own so that the writes
 * (acceptance.ts) and the views that offer the buttons (decisions.ts) share it without importing
 * each other.
 */
import { mayAccept } from '../domain/acceptance';
import type { EffectiveConfig } from '../domain/config';
import { activeRules } from '../domain/rules';
import type { EvaluatedIssue } from '../domain/types';
import type { DecisionAction } from '../shared/contract';
import { forbidden, invalidState, type ServiceError } from './errors';

/**
 * Why `accountId` may not take `action` on the story, or null when they may (rules.md, "Who may
 * decide"). Shared by the writes and by the views, so a button is never offered that the server
 * would refuse for a reason the view could have known.
 */
export function refusalOf(
  accountId: string,
  ev: EvaluatedIssue,
  effective: EffectiveConfig,
  action: DecisionAction,
  assignee: string | undefined,
): ServiceError | null {
  const verb = action === 'accept' ? 'accepted' : action === 'reject' ? 'rejected' : 'revoked';
  if (ev.level !== 'team') {
    return invalidState(
      `${ev.key} is a ${ev.issueTypeName} (${ev.level} level); only stories carry a PO acceptance`,
    );
  }
  if (ev.status.category === 'new') {
    return invalidState(
      `${ev.key} has not started (status ${ev.status.name}); it can be ${verb} once in progress or done`,
    );
  }
  const ownerIds = ev.owners.map((o) => o.accountId);
  if (!mayAccept(accountId, ownerIds, effective.delegates)) {
    return forbidden(
      ownerIds.length === 0
        ? `${ev.key} has no Product Owner, so nobody may ${action} it yet; set the owner first`
        : `only ${ev.key}'s Product Owner or a configured delegate may ${action} it`,
    );
  }
  if (
    action === 'accept' &&
    assignee === accountId &&
    activeRules(effective.rules).enabled('acceptance-by-assignee')
  ) {
    return forbidden(
      `you are the assignee of ${ev.key}; with separation of duties on (acceptance-by-assignee), another Product Owner or a delegate must accept it`,
    );
  }
  return null;
}
