/** Reading and saving the global configuration and a project's overrides; previewing a change. */
import {
  ConfigError,
  configErrorFrom,
  configSchema,
  namedAccounts,
  parseConfig,
  projectOverrideSchema,
  type NamedAccount,
  type PopmConfig,
} from '../domain/config';
import { evaluate } from '../domain/engine';
import { countsBySeverity, findingChanges } from '../domain/preview';
import type { AuditResult } from '../domain/types';
import { isUserField } from '../domain/fields';
import type { JiraApi } from '../jira/api';
import { scanProject } from '../jira/scan';
import type { ConfigView, OwnerView, PreviewResult, ProjectConfigView, SiteMeta } from '../shared/contract';
import { ownerView } from '../scale/views';
import type { StoredConfig } from '../storage/config-store';
import type { AppDeps } from '../platform/deps';
import { ServiceError } from './errors';
import { rememberFields } from './cache';
import { acceptanceLookup, configStore, loadMeta, userApi } from './site';

const MAX_PROJECTS_LISTED = 200;

export async function isSiteAdmin(api: JiraApi): Promise<boolean> {
  return (await api.getMyPermissions(['ADMINISTER'])).ADMINISTER === true;
}

export async function isProjectAdmin(api: JiraApi, projectKey: string): Promise<boolean> {
  const held = await api.getMyPermissions(['ADMINISTER_PROJECTS', 'ADMINISTER'], projectKey);
  return held.ADMINISTER_PROJECTS === true || held.ADMINISTER === true;
}

/**
 * What the admin pages pick from. A site admin's read also refreshes the field list the actions
 * keep in storage: an admin who just created a field and maps it should not wait for the cache.
 */
async function siteMeta(api: JiraApi, refreshFor?: AppDeps): Promise<SiteMeta> {
  const meta = await loadMeta(api);
  if (refreshFor) await rememberFields(refreshFor, meta.fields);
  const projects: SiteMeta['projects'] = [];
  for await (const page of api.allProjects({ maxResults: 50 })) {
    for (const p of page) projects.push({ key: p.key, name: p.name });
    if (projects.length >= MAX_PROJECTS_LISTED) break;
  }
  return {
    issueTypes: meta.issueTypes,
    userFields: meta.fields
      .filter(isUserField)
      .map((f) => ({ id: f.id, name: f.name, multi: f.schema?.type === 'array' })),
    otherFields: meta.fields.filter((f) => !isUserField(f)).map((f) => ({ id: f.id, name: f.name })),
    projects,
  };
}

/** The stored configuration, or INVALID_CONFIG naming the stored value's bad paths. */
async function currentOrReport(deps: AppDeps): Promise<StoredConfig> {
  const read = await configStore(deps).read();
  if (read.state === 'corrupt') {
    throw new ServiceError(
      'INVALID_CONFIG',
      `the saved configuration (revision ${read.revision}) is invalid and is not used: ${read.problem.message}. Save a corrected configuration with revision ${read.revision} to replace it; the bad value is kept as a backup.`,
      read.problem.issues,
    );
  }
  return read.stored;
}

export async function getConfig(deps: AppDeps, accountId: string): Promise<ConfigView> {
  const api = userApi(deps, accountId);
  const [stored, canEdit] = await Promise.all([currentOrReport(deps), isSiteAdmin(api)]);
  const [site, people] = await Promise.all([
    siteMeta(api, canEdit ? deps : undefined),
    peopleNamed(api, namedAccounts(stored.config)),
  ]);
  return { config: stored.config, revision: stored.revision, site, canEdit, people };
}

/** Accounts the saved site settings name; none when the saved value is corrupt (a save replaces it). */
async function accountsSaved(deps: AppDeps): Promise<NamedAccount[]> {
  const read = await configStore(deps).read();
  return read.state === 'corrupt' ? [] : namedAccounts(read.stored.config);
}

/** Names and avatars of the accounts settings name, so pickers show people, not account ids. */
async function peopleNamed(api: JiraApi, named: readonly NamedAccount[]): Promise<OwnerView[]> {
  const ids = [...new Set(named.map((n) => n.accountId))];
  return ids.length === 0 ? [] : (await api.bulkUsers(ids)).map(ownerView);
}

/**
 * Refuses settings that name an account Jira does not know ("nobody", a typo, a pasted name).
 * Only accounts the save adds are asked about: one that was deleted since it was chosen must not
 * block every other change; the pages show it by id so an admin can replace it.
 */
async function requireKnownAccounts(
  api: JiraApi,
  candidate: readonly NamedAccount[],
  before: readonly NamedAccount[],
): Promise<void> {
  const known = new Set(before.map((n) => n.accountId));
  const added = candidate.filter((n) => !known.has(n.accountId));
  if (added.length === 0) return;
  const found = new Set(
    (await api.bulkUsers([...new Set(added.map((n) => n.accountId))])).map((u) => u.accountId),
  );
  const missing = added.filter((n) => !found.has(n.accountId));
  if (missing.length > 0)
    throw configErrorFrom(
      'settings name accounts that do not exist',
      missing.map((n) => ({ path: n.path, message: `${n.accountId} is not an account on this site` })),
    );
}

/** Only for a Jira administrator: the resolver table's `site-admin` guard checks the caller. */
export async function saveConfig(
  deps: AppDeps,
  accountId: string,
  config: unknown,
  revision: number,
): Promise<ConfigView> {
  const api = userApi(deps, accountId);
  // Schema errors are the store's to report; a well-formed value is checked against Jira's accounts.
  const candidate = configSchema.safeParse(config);
  if (candidate.success)
    await requireKnownAccounts(api, namedAccounts(candidate.data), await accountsSaved(deps));
  const saved = await configStore(deps).save(config, revision, accountId);
  const [site, people] = await Promise.all([
    siteMeta(api, deps),
    peopleNamed(api, namedAccounts(saved.config)),
  ]);
  return { config: saved.config, revision: saved.revision, site, canEdit: true, people };
}

export async function getProjectConfig(
  deps: AppDeps,
  accountId: string,
  projectKey: string,
): Promise<ProjectConfigView> {
  const api = userApi(deps, accountId);
  await api.getProject(projectKey); // NOT_FOUND for a project the user cannot see
  const [, stored, canEdit, site] = await Promise.all([
    currentOrReport(deps),
    configStore(deps).readProject(projectKey),
    isProjectAdmin(api, projectKey),
    siteMeta(api),
  ]);
  const people = await peopleNamed(api, namedAccounts(stored.override));
  // The project's own revision: project admins of different projects never conflict.
  return { projectKey, override: stored.override, revision: stored.revision, site, canEdit, people };
}

/** Only for the project's administrators: the resolver table's `project-admin` guard checks. */
export async function saveProjectConfig(
  deps: AppDeps,
  accountId: string,
  projectKey: string,
  override: unknown,
  revision: number,
): Promise<ProjectConfigView> {
  const api = userApi(deps, accountId);
  const candidate = projectOverrideSchema.safeParse(override);
  if (candidate.success)
    await requireKnownAccounts(
      api,
      namedAccounts(candidate.data),
      namedAccounts((await configStore(deps).readProject(projectKey)).override),
    );
  // Stored under the project's own key: its size never counts against the site's settings.
  const saved = await configStore(deps).saveProject(projectKey, override, revision, accountId);
  const [site, people] = await Promise.all([siteMeta(api), peopleNamed(api, namedAccounts(saved.override))]);
  return { projectKey, override: saved.override, revision: saved.revision, site, canEdit: true, people };
}

/**
 * Evaluates one project with the saved configuration and with an unsaved one, side by side. Only
 * for the project's administrators: the resolver table's `project-admin` guard checks.
 */
export async function previewConfig(
  deps: AppDeps,
  accountId: string,
  projectKey: string,
  input: unknown,
): Promise<PreviewResult> {
  const api = userApi(deps, accountId);
  const after = parseConfig(input);
  const before = (await currentOrReport(deps)).config;
  // One scan reading the fields both configurations need.
  const union: PopmConfig = {
    ...after,
    projects: { ...before.projects, ...after.projects },
    roles: mergeRoles(before, after),
  };
  if (!union.teamField) delete union.teamField;
  const site = await scanProject(api, projectKey, safeUnion(union, after));
  const { acceptanceOf } = await acceptanceLookup(deps, site.issues);
  const now = evaluate(site, before, projectKey, { acceptanceOf });
  const next = evaluate(site, after, projectKey, { acceptanceOf });
  const figures = (r: AuditResult) => ({
    countsByRule: r.countsByRule,
    countsBySeverity: countsBySeverity(r.findings),
    coverage: r.coverage,
    findings: r.findings.length,
  });
  // Both evaluations read the one scan above: listing the changes costs no request.
  const summaries = new Map(now.issues.map((i) => [i.key, i.summary]));
  const changes = findingChanges(now.findings, next.findings, (key) => summaries.get(key) ?? '');
  return {
    projectKey,
    before: figures(now),
    after: figures(next),
    changes: changes.issues,
    changedIssues: changes.total,
  };
}

function mergeRoles(a: PopmConfig, b: PopmConfig): PopmConfig['roles'] {
  const out: PopmConfig['roles'] = {};
  for (const level of ['portfolio', 'program', 'team'] as const) {
    const fields = [...new Set([...(a.roles[level]?.fields ?? []), ...(b.roles[level]?.fields ?? [])])];
    if (a.roles[level] || b.roles[level])
      out[level] = {
        ...a.roles[level],
        ...b.roles[level],
        ...(fields.length ? { fields: fields.slice(0, 10) } : {}),
      };
  }
  return out;
}

/** The union must itself be a valid configuration (scan validates nothing, but be safe). */
function safeUnion(union: PopmConfig, fallback: PopmConfig): PopmConfig {
  try {
    return parseConfig(union);
  } catch (error) {
    if (error instanceof ConfigError) return fallback;
    throw error;
  }
}
