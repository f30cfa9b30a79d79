/**
 * Test data in Jira's own shapes: issues as `/search/jql` returns them (project, issue type,
 * parent and status as objects; user fields as user objects; ADF documents), so tests exercise
 * the same reading code that real scans do. Reusable by other test suites.
 */
import type {
  AcceptanceRecord,
  FieldInfo,
  IssueTypeInfo,
  JiraIssue,
  SiteData,
  StatusCategory,
  UserRef,
} from '../../src/domain/types';
import { ACCEPTANCE_PROPERTY } from '../../src/domain/types';

export const FIELD = {
  epicOwner: 'customfield_10100',
  pm: 'customfield_10101',
  po: 'customfield_10102',
  team: 'customfield_10103',
  ac: 'customfield_10104',
} as const;

export const TYPE = {
  portfolioEpic: '10000',
  feature: '10001',
  story: '10002',
  bug: '10003',
  subtask: '10004',
  epic: '10005',
} as const;
export type TypeName = keyof typeof TYPE;

export const ISSUE_TYPES: IssueTypeInfo[] = [
  { id: TYPE.portfolioEpic, name: 'Portfolio Epic', hierarchyLevel: 2, subtask: false },
  { id: TYPE.feature, name: 'Feature', hierarchyLevel: 1, subtask: false },
  { id: TYPE.story, name: 'Story', hierarchyLevel: 0, subtask: false },
  { id: TYPE.bug, name: 'Bug', hierarchyLevel: 0, subtask: false },
  { id: TYPE.subtask, name: 'Sub-task', hierarchyLevel: -1, subtask: true },
  // Jira's own Epic sits at level 1; some sites use it as the program level, others remap it.
  { id: TYPE.epic, name: 'Epic', hierarchyLevel: 1, subtask: false },
];

export const FIELDS: FieldInfo[] = [
  {
    id: FIELD.epicOwner,
    name: 'Epic Owner',
    schema: { type: 'user', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:userpicker' },
  },
  {
    id: FIELD.pm,
    name: 'Product Manager',
    schema: { type: 'user', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:userpicker' },
  },
  {
    id: FIELD.po,
    name: 'Product Owner',
    schema: {
      type: 'array',
      items: 'user',
      custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multiuserpicker',
    },
  },
  {
    id: FIELD.team,
    name: 'Team',
    schema: { type: 'team', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:atlassian-team' },
  },
  {
    id: FIELD.ac,
    name: 'Acceptance Criteria',
    schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea' },
  },
];

/** A small cast of accounts; `u-idle` is deactivated. */
export const USERS: Record<string, UserRef> = {
  'u-eo1': { accountId: 'u-eo1', displayName: 'Erin Ellis', active: true },
  'u-pm1': { accountId: 'u-pm1', displayName: 'Paula Pham', active: true },
  'u-pm2': { accountId: 'u-pm2', displayName: 'Piotr Marek', active: true },
  'u-po1': { accountId: 'u-po1', displayName: 'Olga Owens', active: true },
  'u-po2': { accountId: 'u-po2', displayName: 'Omar Ortiz', active: true },
  'u-dev1': { accountId: 'u-dev1', displayName: 'Dana Dev', active: true },
  'u-del1': { accountId: 'u-del1', displayName: 'Dee Legate', active: true },
  'u-idle': { accountId: 'u-idle', displayName: 'Ivan Idle', active: false },
};

/** A Jira user object as REST v3 returns it. */
export function jiraUser(accountId: string): Record<string, unknown> {
  const known = USERS[accountId];
  return {
    self: `https://example.atlassian.net/rest/api/3/user?accountId=${accountId}`,
    accountId,
    accountType: 'atlassian',
    displayName: known?.displayName ?? accountId,
    active: known?.active ?? true,
    avatarUrls: { '48x48': `https://avatar.example/${accountId}/48` },
  };
}

const STATUS_NAMES: Record<StatusCategory, string> = {
  new: 'To Do',
  indeterminate: 'In Progress',
  done: 'Done',
};

export function jiraStatus(category: StatusCategory, name = STATUS_NAMES[category]): Record<string, unknown> {
  const ids: Record<StatusCategory, number> = { new: 2, indeterminate: 4, done: 3 };
  return { name, statusCategory: { id: ids[category], key: category, name: STATUS_NAMES[category] } };
}

// ---- ADF

export type AdfNode = Record<string, unknown>;
export const doc = (...content: AdfNode[]): AdfNode => ({ type: 'doc', version: 1, content });
export const text = (t: string): AdfNode => ({ type: 'text', text: t });
export const para = (...parts: string[]): AdfNode => ({ type: 'paragraph', content: parts.map(text) });
export const heading = (t: string, level = 2): AdfNode => ({
  type: 'heading',
  attrs: { level },
  content: [text(t)],
});
export const bullets = (...items: string[]): AdfNode => ({
  type: 'bulletList',
  content: items.map((i) => ({ type: 'listItem', content: [para(i)] })),
});

// ---- Issues

export type People = string | string[] | null;

export interface IssueSpec {
  key: string;
  type: TypeName;
  parent?: string;
  status?: StatusCategory;
  statusName?: string;
  /** `statuscategorychangedate`; default 2026-01-01. */
  changedAt?: string | null;
  summary?: string;
  epicOwner?: People;
  pm?: People;
  po?: People;
  team?: unknown;
  ac?: unknown;
  description?: unknown;
  /** Value of the `popm.acceptance` property (anything: tests feed malformed ones too). */
  acceptance?: AcceptanceRecord | Record<string, unknown>;
  /** Extra raw fields. */
  fields?: Record<string, unknown>;
}

let nextId = 30000;

function peopleValue(p: People | undefined, multi: boolean): unknown {
  if (p === undefined || p === null) return null;
  if (Array.isArray(p)) return p.map(jiraUser);
  return multi ? [jiraUser(p)] : jiraUser(p);
}

export function jiraIssue(spec: IssueSpec): JiraIssue {
  const project = spec.key.slice(0, spec.key.lastIndexOf('-'));
  const type = ISSUE_TYPES.find((t) => t.id === TYPE[spec.type]);
  const category = spec.status ?? 'new';
  const fields: Record<string, unknown> = {
    summary: spec.summary ?? `Summary of ${spec.key}`,
    project: { id: `1${project.length}`, key: project, name: `Project ${project}` },
    issuetype: type ? { ...type } : { id: TYPE[spec.type] },
    status: jiraStatus(category, spec.statusName),
    statuscategorychangedate: spec.changedAt === undefined ? '2026-01-01T09:00:00.000+0000' : spec.changedAt,
    description: spec.description ?? null,
    [FIELD.epicOwner]: peopleValue(spec.epicOwner, false),
    [FIELD.pm]: peopleValue(spec.pm, false),
    [FIELD.po]: peopleValue(spec.po, true),
    [FIELD.team]: spec.team ?? null,
    [FIELD.ac]: spec.ac ?? null,
    ...spec.fields,
  };
  if (spec.parent)
    fields.parent = { id: '0', key: spec.parent, fields: { summary: `Parent ${spec.parent}` } };
  const issue: JiraIssue = { id: String(nextId++), key: spec.key, fields };
  if (spec.acceptance !== undefined) issue.properties = { [ACCEPTANCE_PROPERTY]: spec.acceptance };
  return issue;
}

/** A healthy story by default: owned, with acceptance criteria. */
export function story(key: string, spec: Partial<IssueSpec> = {}): IssueSpec {
  return {
    po: 'u-po1',
    ac: doc(para('Given a user, when they sign up, then they get a mail')),
    ...spec,
    key,
    type: spec.type ?? 'story',
  };
}
export function feature(key: string, spec: Partial<IssueSpec> = {}): IssueSpec {
  return { pm: 'u-pm1', ...spec, key, type: spec.type ?? 'feature' };
}
export function epic(key: string, spec: Partial<IssueSpec> = {}): IssueSpec {
  return { epicOwner: 'u-eo1', ...spec, key, type: spec.type ?? 'portfolioEpic' };
}
export function subtask(key: string, parent: string, spec: Partial<IssueSpec> = {}): IssueSpec {
  return { ...spec, key, parent, type: 'subtask' };
}

/** A valid acceptance by `by`, made after the default status change date. */
export function accepted(
  by = 'u-po1',
  at = '2026-02-01T10:00:00.000Z',
  statusCategory?: StatusCategory,
): AcceptanceRecord {
  return statusCategory
    ? { acceptedBy: by, acceptedAt: at, statusCategory }
    : { acceptedBy: by, acceptedAt: at };
}

export function site(specs: IssueSpec[], extra: Partial<SiteData> = {}): SiteData {
  return {
    issueTypes: ISSUE_TYPES,
    fields: FIELDS,
    issues: specs.map(jiraIssue),
    users: USERS,
    ...extra,
  };
}
