/**
 * `popm export`: the same scan as an audit, written back as a `popm-snapshot/1` file
 * (../shared/spec/snapshot.md) that `audit --snapshot` and the local host read. Jira's expanded
 * objects are turned back into the snapshot's references (keys, ids, account ids), and the result
 * is checked with the format's own parser before it is returned, so an export is never a file the
 * readers would refuse.
 */
import { z } from 'zod';
import type { PopmConfig } from '../domain/config';
import { neededFieldIds } from '../domain/fields';
import { FIX_VERSIONS_FIELD, SPRINT_FIELD_TYPE, sprintsOf, versionsOf } from '../domain/scope';
import { ACCEPTANCE_PROPERTY, STATUS_CATEGORIES, type JiraIssue } from '../domain/types';
import type { JiraApi } from '../jira/api';
import { scanProject, type ScanOptions } from '../jira/scan';
import {
  parseSnapshot,
  SNAPSHOT_FORMAT,
  userFieldKind,
  type Snapshot,
  type SnapshotField,
  type SnapshotIssue,
  type SnapshotIssueFields,
  type SnapshotProject,
  type SnapshotUser,
} from './format';
import { parentKeyOf } from '../domain/read';

export interface ExportOptions extends ScanOptions {
  /** The site's URL, recorded in `site.baseUrl`. */
  siteUrl?: string;
}

const userSchema = z.looseObject({
  accountId: z.string().min(1),
  displayName: z.string().optional(),
  active: z.boolean().optional(),
  accountType: z.string().optional(),
  emailAddress: z.string().nullish(),
});
const projectRefSchema = z.looseObject({ id: z.string(), key: z.string(), name: z.string().optional() });
const idSchema = z.looseObject({ id: z.string() });
const statusSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  statusCategory: z.looseObject({ key: z.enum(STATUS_CATEGORIES) }),
});
const acceptedBySchema = z.looseObject({ acceptedBy: z.string().min(1) });

/** Collects every account an export mentions, keeping the richest description seen. */
class UserCollector {
  private readonly users = new Map<string, SnapshotUser>();

  /** Records a Jira user object; returns its account id, or undefined when it is not one. */
  add(value: unknown): string | undefined {
    const parsed = userSchema.safeParse(value);
    if (!parsed.success) return undefined;
    const u = parsed.data;
    const known = this.users.get(u.accountId);
    if (known && !known.placeholder) return u.accountId;
    const user: SnapshotUser = {
      accountId: u.accountId,
      displayName: u.displayName ?? u.accountId,
      active: u.active ?? true,
    };
    if (u.accountType === 'atlassian' || u.accountType === 'app' || u.accountType === 'customer') {
      user.accountType = u.accountType;
    }
    this.users.set(u.accountId, user);
    return u.accountId;
  }

  /**
   * An account known only by id (e.g. who accepted a story). Jira has no cheap way to describe
   * one more account without a request per user, so it is written as active with its id as name;
   * a richer description met later replaces it.
   */
  addId(accountId: string): void {
    if (!this.users.has(accountId)) {
      this.users.set(accountId, { accountId, displayName: accountId, active: true, placeholder: true });
    }
  }

  list(): SnapshotUser[] {
    return [...this.users.values()].map(({ placeholder: _p, ...u }) => u);
  }
}

function toSnapshotIssue(
  issue: JiraIssue,
  keys: ReadonlySet<string>,
  fields: ReadonlyMap<string, SnapshotField>,
  users: UserCollector,
  projects: Map<string, SnapshotProject>,
): SnapshotIssue | undefined {
  const f = issue.fields;
  const project = projectRefSchema.safeParse(f.project);
  const type = idSchema.safeParse(f.issuetype);
  const status = statusSchema.safeParse(f.status);
  // Without these three an issue cannot be placed in a snapshot at all.
  if (!project.success || !type.success || !status.success) return undefined;
  if (!projects.has(project.data.key)) {
    projects.set(project.data.key, {
      id: project.data.id,
      key: project.data.key,
      name: project.data.name ?? project.data.key,
    });
  }
  const out: SnapshotIssueFields = {
    summary: typeof f.summary === 'string' ? f.summary : '',
    project: project.data.key,
    issuetype: type.data.id,
    status: { name: status.data.name, category: status.data.statusCategory.key },
  };
  if (status.data.id !== undefined) out.status.id = status.data.id;
  const parent = parentKeyOf(issue);
  // A parent the account could not read is left out rather than pointing outside the file.
  if (parent !== undefined && keys.has(parent)) out.parent = parent;
  if (typeof f.statuscategorychangedate === 'string')
    out.statuscategorychangedate = f.statuscategorychangedate;
  if (f.description !== undefined && f.description !== null) out.description = f.description;
  const assignee = users.add(f.assignee);
  if (assignee !== undefined) out.assignee = assignee;

  for (const [name, value] of Object.entries(f)) {
    if (!name.startsWith('customfield_') || value === null || value === undefined) continue;
    const field = fields.get(name);
    if (!field) continue;
    if (field.schema?.custom === SPRINT_FIELD_TYPE) {
      // snapshot.md: the Sprint field as { id, name, state, boardId }, without goals and dates.
      const sprints = sprintsOf(value);
      if (sprints.length > 0) out[name] = sprints;
      continue;
    }
    const kind = userFieldKind(field);
    if (kind === 'single') {
      const id = users.add(value);
      if (id !== undefined) out[name] = id;
    } else if (kind === 'multi') {
      const ids = Array.isArray(value)
        ? value.map((v) => users.add(v)).filter((v): v is string => v !== undefined)
        : [];
      if (ids.length > 0) out[name] = ids;
    } else {
      out[name] = value;
    }
  }

  const versions = versionsOf(f[FIX_VERSIONS_FIELD]);
  if (versions.length > 0) out[FIX_VERSIONS_FIELD] = versions;

  const result: SnapshotIssue = { id: issue.id, key: issue.key, fields: out };
  if (issue.properties && Object.keys(issue.properties).length > 0) {
    result.properties = { ...issue.properties };
    const accepted = acceptedBySchema.safeParse(issue.properties[ACCEPTANCE_PROPERTY]);
    if (accepted.success) users.addId(accepted.data.acceptedBy);
  }
  return result;
}

/**
 * Scans `projectKey` and returns it as a snapshot. Requests: the scan's, plus 3 (the project, for
 * its lead; the exporting user; whether they hold ADMINISTER).
 *
 * `admins`: Jira has no cheap way to list every holder of the ADMINISTER global permission (it
 * would take reading permission schemes and every member of the groups they name), so the file
 * lists the exporting user when they hold it, and nobody otherwise.
 */
export async function exportSnapshot(
  api: JiraApi,
  projectKey: string,
  config: PopmConfig,
  options: ExportOptions = {},
): Promise<Snapshot> {
  const scan = await scanProject(api, projectKey, config, options);
  const project = await api.getProject(projectKey);
  const myself = await api.getMyself();
  const { ADMINISTER: isAdmin } = await api.getMyPermissions(['ADMINISTER']);

  const users = new UserCollector();
  const projects = new Map<string, SnapshotProject>();
  const main: SnapshotProject = { id: project.id, key: project.key, name: project.name };
  const lead = users.add(project.lead);
  if (lead !== undefined) main.lead = lead;
  projects.set(project.key, main);

  // The fields the scan asked for (so the file audits the same under this configuration), plus
  // any other custom field Jira returned; never the site's hundreds of unrelated fields.
  const wanted = new Set([
    ...neededFieldIds(scan.fields, config),
    ...scan.issues.flatMap((i) => Object.keys(i.fields)),
  ]);
  const fields: SnapshotField[] = scan.fields
    .filter((f) => wanted.has(f.id) && /^customfield_\d+$/.test(f.id))
    .map((f) => {
      const field: SnapshotField = { id: f.id, name: f.name };
      if (f.schema) field.schema = { ...f.schema };
      return field;
    });
  const fieldsById = new Map(fields.map((f) => [f.id, f]));
  const keys = new Set(scan.issues.map((i) => i.key));
  const issues: SnapshotIssue[] = [];
  for (const issue of scan.issues) {
    const converted = toSnapshotIssue(issue, keys, fieldsById, users, projects);
    if (converted) issues.push(converted);
  }
  // Issues dropped above may be parents of others; drop references to them too.
  const kept = new Set(issues.map((i) => i.key));
  for (const issue of issues) {
    if (issue.fields.parent != null && !kept.has(issue.fields.parent)) delete issue.fields.parent;
  }

  const admins: string[] = [];
  if (isAdmin) {
    users.add({
      accountId: myself.accountId,
      displayName: myself.displayName,
      active: myself.active ?? true,
    });
    admins.push(myself.accountId);
  }

  return parseSnapshot({
    format: SNAPSHOT_FORMAT,
    site: { baseUrl: options.siteUrl ?? 'https://example.atlassian.net' },
    users: users.list(),
    admins,
    projects: [...projects.values()],
    issueTypes: scan.issueTypes.map((t) => ({ ...t })),
    fields,
    issues,
  });
}
