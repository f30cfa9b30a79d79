/** Setting an issue's owner: writes the role's configured user field AS THE USER. */
import { levelOf } from '../domain/levels';
import { refValue } from '../domain/read';
import { neededFieldIds, roleFieldOf } from '../domain/fields';
import { ROLE_NAMES, type RoleLevel } from '../domain/types';
import type { IssueSummary } from '../shared/contract';
import type { AppDeps } from './deps';
import { ServiceError, invalidState, notFound } from './errors';
import { refreshFindings } from './findings-refresh';
import { evaluateIssue } from './issue-view';
import { refreshSnapshotsAfterWrite } from './snapshot-refresh';
import { configStore, loadMeta, parentKeyOf, projectKeyOf, userApi } from './site';
import { issueSummary } from './views';
import { AppointmentStore, accountIdsOf } from '../storage/appointment-store';

export async function setOwner(
  deps: AppDeps,
  accountId: string,
  issueKey: string,
  accountIds: readonly string[],
): Promise<IssueSummary> {
  const api = userApi(deps, accountId);
  const config = (await configStore(deps).current()).config;
  const meta = await loadMeta(api);
  const fieldsWanted = neededFieldIds(meta.fields, config);
  const issue = await api.getIssue(issueKey, { fields: fieldsWanted });
  const projectKey = projectKeyOf(issue);
  const type = meta.issueTypes.find((t) => t.id === refValue(issue.fields.issuetype, 'id'));
  if (!type) throw notFound(`the issue type of ${issueKey} is unknown to this site`);
  const issueLevel = levelOf(type, config.levels);
  if (issueLevel === 'subtask')
    throw invalidState(`${issueKey} is a subtask; subtasks take their parent's owners`);
  const level: RoleLevel = issueLevel;
  const field = roleFieldOf(meta.fields, config, projectKey, level);
  const fieldId = field?.id;
  if (!fieldId || !field) {
    throw new ServiceError(
      'INVALID_CONFIG',
      `no user field holds the ${ROLE_NAMES[level]} of ${issueKey}: create a user field named "${ROLE_NAMES[level]}" or pick one on the admin page`,
    );
  }
  const multi = field.schema?.type === 'array';
  if (!multi && accountIds.length > 1) {
    throw new ServiceError('BAD_REQUEST', `${field.name} holds one person; ${accountIds.length} were given`, [
      { path: 'accountIds', message: 'at most one account for a single user field' },
    ]);
  }
  const value = multi
    ? accountIds.map((id) => ({ accountId: id }))
    : accountIds[0]
      ? { accountId: accountIds[0] }
      : null;
  // As the user: Jira's Edit Issues permission and field configuration decide, not the app.
  await api.editIssue(issue.key, { [fieldId]: value });
  if (level === 'team') {
    // Who made whom a PO, for acceptance-self-appointed (rules.md).
    const before = new Set(accountIdsOf(issue.fields[fieldId]));
    const added = accountIds.filter((id) => !before.has(id));
    await new AppointmentStore(deps.store).record(issue.id, added, accountId, deps.now().toISOString());
  }

  const parent = parentKeyOf(issue);
  await refreshFindings(deps, parent ? [issue.key, parent] : [issue.key]);
  await refreshSnapshotsAfterWrite(deps, issue.key);
  // Judged with its chain, as the issue panel judges it (a story alone has no feature above it).
  const ec = await evaluateIssue(deps, api, issue.key, { children: false });
  const after = ec.byKey.get(ec.ctx.issue.key);
  if (!after) throw notFound(`issue ${issueKey} could not be evaluated`);
  return issueSummary(after, ec.entries.get(ec.ctx.issue.id));
}
