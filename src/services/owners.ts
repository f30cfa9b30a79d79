/** Setting an issue's owner: writes the role's configured user field AS THE USER. */
import { isRecord } from '../domain/read';
import { roleFieldOf } from '../domain/fields';
import { ROLE_NAMES, type JiraIssue, type RoleLevel, type UserRef } from '../domain/types';
import type { JiraApi } from '../jira/api';
import type { OwnerChangeView } from '../shared/contract';
import { afterWrite, withIssue } from './after-write';
import { Invocation } from './cache';
import type { AppDeps } from '../platform/deps';
import { ServiceError, invalidState, notFound } from './errors';
import { evaluateIssue, issuesOf } from './issue-view';
import { userApi } from './site';
import { AppointmentStore, accountIdsOf } from '../storage/appointment-store';

export async function setOwner(
  deps: AppDeps,
  accountId: string,
  issueKey: string,
  accountIds: readonly string[],
): Promise<OwnerChangeView> {
  const inv = new Invocation(deps);
  const api = userApi(deps, accountId);
  // Everything the answer needs afterwards, read once before the write: the chain (the issue is
  // judged with it, as the issue panel judges it), sub-tasks, and the siblings the parent's
  // findings count.
  const ec = await evaluateIssue(inv, api, issueKey, { siblings: true });
  const ev = ec.byKey.get(ec.ctx.issue.key);
  if (!ev) throw notFound(`issue ${issueKey} could not be evaluated`);
  const issue = ec.ctx.issue;
  if (ev.level === 'subtask')
    throw invalidState(`${issueKey} is a subtask; subtasks take their parent's owners`);
  const level: RoleLevel = ev.level;
  const field = roleFieldOf(ec.fields, ec.config, ev.projectKey, level);
  const fieldId = field?.id;
  if (!fieldId) {
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

  // The field now holds exactly what was written (Jira accepted it). Jira renders users as user
  // objects; those come from the issues in hand, and only accounts none of them names are looked up.
  const users = await userObjects(api, issuesOf(ec.ctx), await inv.picked(accountId), accountIds);
  const rendered = multi
    ? accountIds.map((id) => users.get(id))
    : accountIds[0]
      ? users.get(accountIds[0])
      : null;
  const after: JiraIssue = { ...issue, fields: { ...issue.fields, [fieldId]: rendered } };
  const view = await afterWrite(inv, api, accountId, withIssue(ec.ctx, after));
  return { ...view.issue, view };
}

/**
 * Jira user objects of `accountIds`: found in the issues' fields or among the people the owner
 * picker just found, else from GET /user/bulk.
 */
async function userObjects(
  api: JiraApi,
  issues: readonly JiraIssue[],
  picked: readonly UserRef[],
  accountIds: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const wanted = new Set(accountIds);
  const out = new Map<string, Record<string, unknown>>();
  const take = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(take);
    if (isRecord(value) && typeof value.accountId === 'string' && wanted.has(value.accountId))
      out.set(value.accountId, value);
  };
  for (const issue of issues) for (const value of Object.values(issue.fields)) take(value);
  const fromRef = (user: UserRef): void => {
    if (!wanted.has(user.accountId) || out.has(user.accountId)) return;
    const object: Record<string, unknown> = { accountId: user.accountId };
    if (user.displayName !== undefined) object.displayName = user.displayName;
    if (user.active !== undefined) object.active = user.active;
    if (user.avatarUrl !== undefined) object.avatarUrls = { '48x48': user.avatarUrl };
    out.set(user.accountId, object);
  };
  picked.forEach(fromRef);
  const missing = [...wanted].filter((id) => !out.has(id));
  if (missing.length > 0) (await api.bulkUsers(missing)).forEach(fromRef);
  for (const id of missing) if (!out.has(id)) out.set(id, { accountId: id });
  return out;
}
