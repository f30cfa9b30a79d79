/**
 * Turns the snapshot's references (ids and keys) into the full objects Jira Cloud returns, in the
 * shapes of ../shared/jira-openapi/platform-v3.json (IssueBean, Project, IssueTypeDetails, User,
 * FieldDetails...).
 */
import type { SnapshotField, SnapshotIssueType, SnapshotProject, SnapshotUser } from '../snapshot/format';
import { STATUS_CATEGORY_INFO, type IssueRecord, type Site } from './site';

type Json = Record<string, unknown>;

/** Atlassian's avatar service, where Jira Cloud serves user avatars from (Forge's CSP allows it). */
const USER_AVATAR_HOST = 'https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net';

const AVATAR_SIZES = [16, 24, 32, 48] as const;

export function avatarUrls(site: Site, kind: 'user' | 'project', id: string): Json {
  const local = site.avatarUrlOf?.(kind, id);
  const u = (size: number): string =>
    local ??
    (kind === 'user'
      ? `${USER_AVATAR_HOST}/${encodeURIComponent(id)}/${size}`
      : `${site.baseUrl}/secure/projectavatar?size=${size}&pid=${encodeURIComponent(id)}`);
  return Object.fromEntries(AVATAR_SIZES.map((size) => [`${size}x${size}`, u(size)]));
}

/** A snapshot from a real site may carry the account's own avatars; those are real and kept. */
function userAvatarUrls(site: Site, user: SnapshotUser): Json {
  const own = user.avatarUrls;
  if (own && typeof own === 'object' && typeof (own as Json)['48x48'] === 'string') return own as Json;
  return avatarUrls(site, 'user', user.accountId);
}

export function renderUser(site: Site, user: SnapshotUser, withEmail = false): Json {
  const out: Json = {
    self: `${site.baseUrl}/rest/api/3/user?accountId=${encodeURIComponent(user.accountId)}`,
    accountId: user.accountId,
    accountType: user.accountType ?? 'atlassian',
    avatarUrls: userAvatarUrls(site, user),
    displayName: user.displayName,
    active: user.active,
    timeZone: 'Etc/UTC',
  };
  if (withEmail && user.emailAddress !== undefined) out.emailAddress = user.emailAddress;
  return out;
}

/** A user reference; an account the snapshot does not know renders as Jira's "unknown" user. */
export function renderUserRef(site: Site, accountId: string): Json {
  const user = site.users.get(accountId);
  if (user) return renderUser(site, user);
  return {
    self: `${site.baseUrl}/rest/api/3/user?accountId=${encodeURIComponent(accountId)}`,
    accountId,
    accountType: 'unknown',
    displayName: 'Former user',
    active: false,
    avatarUrls: avatarUrls(site, 'user', accountId),
  };
}

export function renderIssueType(site: Site, t: SnapshotIssueType): Json {
  return {
    self: `${site.baseUrl}/rest/api/3/issuetype/${t.id}`,
    id: t.id,
    description: typeof t.description === 'string' ? t.description : '',
    iconUrl: `${site.baseUrl}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10300?size=medium`,
    name: t.name,
    subtask: t.subtask,
    avatarId: 10300,
    hierarchyLevel: t.hierarchyLevel,
  };
}

export function renderProjectRef(site: Site, p: SnapshotProject): Json {
  return {
    self: `${site.baseUrl}/rest/api/3/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    projectTypeKey: 'software',
    simplified: false,
    avatarUrls: avatarUrls(site, 'project', p.id),
  };
}

export function renderProject(site: Site, p: SnapshotProject): Json {
  const out: Json = {
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    ...renderProjectRef(site, p),
    description: '',
    issueTypes: site.issueTypes.map((t) => renderIssueType(site, t)),
    assigneeType: 'UNASSIGNED',
    style: 'classic',
    isPrivate: false,
    properties: {},
  };
  if (p.lead !== undefined) out.lead = renderUserRef(site, p.lead);
  return out;
}

export function renderStatus(
  site: Site,
  status: { name: string; category: keyof typeof STATUS_CATEGORY_INFO },
): Json {
  const cat = STATUS_CATEGORY_INFO[status.category];
  const id = site.statusIds.get(status.name.toLowerCase()) ?? '1';
  return {
    self: `${site.baseUrl}/rest/api/3/status/${id}`,
    description: '',
    iconUrl: `${site.baseUrl}/images/icons/statuses/generic.png`,
    name: status.name,
    id,
    statusCategory: {
      self: `${site.baseUrl}/rest/api/3/statuscategory/${cat.id}`,
      id: cat.id,
      key: cat.key,
      colorName: cat.colorName,
      name: cat.name,
    },
  };
}

/** The system fields the emulator knows, as GET /field describes them. */
export const SYSTEM_FIELDS: {
  id: string;
  name: string;
  schema: Json;
  orderable: boolean;
  clauseNames: string[];
}[] = [
  {
    id: 'summary',
    name: 'Summary',
    schema: { type: 'string', system: 'summary' },
    orderable: true,
    clauseNames: ['summary'],
  },
  {
    id: 'project',
    name: 'Project',
    schema: { type: 'project', system: 'project' },
    orderable: false,
    clauseNames: ['project'],
  },
  {
    id: 'issuetype',
    name: 'Issue Type',
    schema: { type: 'issuetype', system: 'issuetype' },
    orderable: true,
    clauseNames: ['issuetype', 'type'],
  },
  {
    id: 'parent',
    name: 'Parent',
    schema: { type: 'issuelink', system: 'parent' },
    orderable: false,
    clauseNames: ['parent'],
  },
  {
    id: 'status',
    name: 'Status',
    schema: { type: 'status', system: 'status' },
    orderable: false,
    clauseNames: ['status'],
  },
  {
    id: 'statuscategorychangedate',
    name: 'Status Category Changed',
    schema: { type: 'datetime', system: 'statuscategorychangedate' },
    orderable: false,
    clauseNames: ['statusCategoryChangedDate'],
  },
  {
    id: 'assignee',
    name: 'Assignee',
    schema: { type: 'user', system: 'assignee' },
    orderable: true,
    clauseNames: ['assignee'],
  },
  {
    id: 'description',
    name: 'Description',
    schema: { type: 'string', system: 'description' },
    orderable: true,
    clauseNames: ['description'],
  },
  {
    id: 'created',
    name: 'Created',
    schema: { type: 'datetime', system: 'created' },
    orderable: false,
    clauseNames: ['created', 'createdDate'],
  },
  {
    id: 'updated',
    name: 'Updated',
    schema: { type: 'datetime', system: 'updated' },
    orderable: false,
    clauseNames: ['updated', 'updatedDate'],
  },
];

export function renderFields(site: Site): Json[] {
  const system = SYSTEM_FIELDS.map((f) => ({
    id: f.id,
    key: f.id,
    name: f.name,
    custom: false,
    orderable: f.orderable,
    navigable: true,
    searchable: true,
    clauseNames: f.clauseNames,
    schema: f.schema,
  }));
  const custom = site.fields.map((f: SnapshotField) => {
    const num = f.id.slice('customfield_'.length);
    const schema: Json = { type: f.schema?.type ?? 'any', customId: Number(num) };
    if (f.schema?.items !== undefined) schema.items = f.schema.items;
    if (f.schema?.custom !== undefined) schema.custom = f.schema.custom;
    return {
      id: f.id,
      key: f.id,
      name: f.name,
      custom: true,
      orderable: true,
      navigable: true,
      searchable: true,
      clauseNames: [`cf[${num}]`, f.name],
      schema,
    };
  });
  return [...system, ...custom];
}

/** Which fields a request asked for: Jira's `fields` list with `*all`, `*navigable` and `-x`. */
export interface FieldSelection {
  all: boolean;
  include: Set<string>;
  exclude: Set<string>;
}

export function parseFieldSelection(raw: readonly string[], fallback: string): FieldSelection {
  const items = (raw.length > 0 ? raw : [fallback])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const sel: FieldSelection = { all: false, include: new Set(), exclude: new Set() };
  for (const item of items) {
    if (item === '*all' || item === '*navigable') sel.all = true;
    else if (item.startsWith('-')) sel.exclude.add(item.slice(1));
    else sel.include.add(item);
  }
  return sel;
}

/** True when only ids/keys are asked for (Jira then allows pages of up to 5,000 issues). */
export function onlyIdentifiers(sel: FieldSelection): boolean {
  if (sel.all) return false;
  for (const f of sel.include) if (f !== 'id' && f !== 'key') return false;
  return true;
}

function renderParent(site: Site, parentKey: string): Json | undefined {
  const rec = site.byKey.get(parentKey);
  if (!rec) return undefined;
  const f = rec.issue.fields;
  const type = site.issueTypesById.get(f.issuetype);
  return {
    id: rec.issue.id,
    key: rec.issue.key,
    self: `${site.baseUrl}/rest/api/3/issue/${rec.issue.id}`,
    fields: {
      summary: f.summary,
      status: renderStatus(site, f.status),
      ...(type ? { issuetype: renderIssueType(site, type) } : {}),
    },
  };
}

function renderFieldValue(site: Site, rec: IssueRecord, name: string): { value: unknown } | undefined {
  const f = rec.issue.fields;
  switch (name) {
    case 'summary':
      return { value: f.summary };
    case 'project': {
      const p = site.projectsByKey.get(f.project);
      return p ? { value: renderProjectRef(site, p) } : undefined;
    }
    case 'issuetype': {
      const t = site.issueTypesById.get(f.issuetype);
      return t ? { value: renderIssueType(site, t) } : undefined;
    }
    case 'parent': {
      if (f.parent == null) return undefined;
      const p = renderParent(site, f.parent);
      return p ? { value: p } : undefined;
    }
    case 'status':
      return { value: renderStatus(site, f.status) };
    case 'assignee':
      return { value: typeof f.assignee === 'string' ? renderUserRef(site, f.assignee) : null };
    case 'statuscategorychangedate':
    case 'description':
      return { value: f[name] ?? null };
    case 'created':
    case 'updated':
      return f[name] === undefined ? undefined : { value: f[name] };
  }
  const kind = site.userFieldKind(name);
  if (kind !== null) {
    const raw = f[name];
    if (kind === 'single') return { value: typeof raw === 'string' ? renderUserRef(site, raw) : null };
    const ids = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
    return { value: ids.length > 0 ? ids.map((id) => renderUserRef(site, id)) : null };
  }
  if (site.fieldsById.has(name)) return { value: f[name] ?? null };
  if (name in f) return { value: f[name] };
  return undefined;
}

const ALL_SYSTEM = SYSTEM_FIELDS.map((f) => f.id);

/** An IssueBean with the selected fields and properties. */
export function renderIssue(
  site: Site,
  rec: IssueRecord,
  sel: FieldSelection,
  properties: readonly string[],
): Json {
  const issue = rec.issue;
  if (onlyIdentifiers(sel) && !sel.include.has('key') && properties.length === 0) return { id: issue.id };
  const fields: Json = {};
  const names = sel.all
    ? [...ALL_SYSTEM, ...site.fields.map((f) => f.id), ...Object.keys(issue.fields)]
    : [...sel.include];
  for (const name of names) {
    if (name === 'id' || name === 'key' || sel.exclude.has(name) || name in fields) continue;
    const v = renderFieldValue(site, rec, name);
    if (v !== undefined) fields[name] = v.value;
  }
  const out: Json = {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${site.baseUrl}/rest/api/3/issue/${issue.id}`,
    key: issue.key,
    fields,
  };
  if (properties.length > 0) {
    const props: Json = {};
    const wanted = properties.includes('*all') ? Object.keys(issue.properties ?? {}) : properties;
    for (const k of wanted) {
      const v = issue.properties?.[k];
      if (v !== undefined) props[k] = v;
    }
    out.properties = props;
  }
  return out;
}
