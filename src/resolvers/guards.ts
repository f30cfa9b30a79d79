/**
 * Who may call a resolver, declared once per resolver in the table in ./index.ts. runResolver
 * checks the guard before the service runs; the guards whose proof is the service's own first read
 * as the caller (a second copy here would cost a Jira request on the busiest calls) say so below.
 * Every check is made against Jira as the caller; test/hardening/authz-table.test.ts proves each.
 */
import type { AppDeps } from '../platform/deps';
import { isProjectAdmin, isSiteAdmin } from '../services/config';
import { forbidden } from '../services/errors';
import { userApi } from '../services/site';

export type Who =
  /** Any signed-in account (Forge's context carries one); what they get is theirs or filtered. */
  | 'signed-in'
  /**
   * Whoever can see the issue. The service reads the issue as the caller, so Jira answers 404 for
   * anyone else; checking it here too would cost a second request on the busiest call.
   */
  | 'issue-viewer'
  /**
   * The story's owner (its PO) or one of their delegates. The service decides per story from the
   * story's owner field, which it reads as the caller anyway (refusalOf in services/refusal).
   */
  | 'story-owner'
  /**
   * Whoever can browse the project. The service's first step is checkProjectAccess (one request as
   * the caller, remembered for a while), before anything is read or started.
   */
  | 'project-viewer'
  /** A project administrator of the project, or a Jira administrator. */
  | 'project-admin'
  /** A Jira administrator (ADMINISTER). */
  | 'site-admin';

/** What a guard needs from the payload: the project it is about, when it is about one. */
export interface GuardSubject {
  projectKey?: string;
}

type Guard = (deps: AppDeps, accountId: string, subject: GuardSubject) => Promise<void>;

function projectOf(subject: GuardSubject, who: Who): string {
  // The table's types keep this from happening; a thrown error beats a check skipped.
  if (subject.projectKey === undefined) throw new Error(`a ${who} guard needs the payload's projectKey`);
  return subject.projectKey;
}

/** Resolves when `accountId` may call; throws FORBIDDEN (or Jira's NOT_FOUND) otherwise. */
export const GUARDS: Record<Who, Guard> = {
  'signed-in': () => Promise.resolve(),
  'issue-viewer': () => Promise.resolve(),
  'story-owner': () => Promise.resolve(),
  'project-viewer': () => Promise.resolve(),
  'project-admin': async (deps, me, subject) => {
    const projectKey = projectOf(subject, 'project-admin');
    const api = userApi(deps, me);
    // NOT_FOUND first: a project the caller cannot see is not revealed by a FORBIDDEN. Read
    // directly, not through checkProjectAccess, so a refused call stores nothing at all.
    await api.getProject(projectKey);
    if (!(await isProjectAdmin(api, projectKey))) {
      throw forbidden(`this needs administration rights on project ${projectKey} (or on Jira)`);
    }
  },
  'site-admin': async (deps, me) => {
    if (!(await isSiteAdmin(userApi(deps, me))))
      throw forbidden('only Jira administrators may change the POPM Guard configuration');
  },
};
