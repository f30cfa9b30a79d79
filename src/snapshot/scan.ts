/**
 * Reads what the engine needs to audit one project straight from a parsed snapshot, as
 * `scanProject` (src/jira/scan.ts) would read it through the emulator, without rendering Jira
 * JSON, re-parsing it with zod and paging through it: a 100,000-issue audit spends most of its time
 * there otherwise (bench: `npm run bench -- --only cli`).
 *
 * Same issues, same order and same values for every field the engine reads as the emulator path,
 * so both give identical findings (test/snapshot/scan.test.ts compares them): the project's
 * visible issues in rank order, then their ancestors level by level, then the stories below the
 * project's features in other projects, batch by batch; user fields as Jira user objects; the
 * directory holding only the acceptors named by no user field read, as `/user/bulk` would.
 */
import type { PopmConfig } from '../domain/config';
import { neededFieldIds } from '../domain/fields';
import { levelIndex } from '../domain/levels';
import {
  ACCEPTANCE_PROPERTY,
  type FieldInfo,
  type IssueTypeInfo,
  type JiraIssue,
  type UserRef,
} from '../domain/types';
import { BULK_FETCH_MAX, MAX_SEARCH_PAGE_WITH_FIELDS, USER_BULK_MAX } from '../jira/api';
import { DEFAULT_CHILD_BATCH, type ScanResult } from '../jira/scan';
import { userFieldKind, type Snapshot, type SnapshotIssue, type SnapshotStatus } from './format';

export class UnknownProjectError extends Error {
  constructor(
    readonly projectKey: string,
    readonly known: readonly string[],
  ) {
    super(`project ${projectKey} is not in the snapshot`);
    this.name = 'UnknownProjectError';
  }
}

interface Indexed {
  issue: SnapshotIssue;
  rank: number;
}

/** The account the emulator acts as for an unspecified caller: the first admin, else the first user. */
export function defaultAccount(snapshot: Snapshot): string | undefined {
  return snapshot.admins[0] ?? snapshot.users[0]?.accountId;
}

/**
 * Scans `projectKey` of `snapshot` as `accountId` sees it. Throws UnknownProjectError when the
 * snapshot has no such project. `report.requests` are all 0: no site is contacted.
 */
export function scanSnapshot(
  snapshot: Snapshot,
  projectKey: string,
  config: PopmConfig,
  accountId: string,
): ScanResult {
  if (!snapshot.projects.some((p) => p.key === projectKey)) {
    throw new UnknownProjectError(
      projectKey,
      snapshot.projects.map((p) => p.key),
    );
  }
  const issueTypes: IssueTypeInfo[] = snapshot.issueTypes.map((t) => ({
    id: t.id,
    name: t.name,
    hierarchyLevel: t.hierarchyLevel,
    subtask: t.subtask,
  }));
  // As GET /field describes them: a field without a schema is `any`, which is not a user picker.
  const fields: FieldInfo[] = snapshot.fields.map((f) => {
    const schema: NonNullable<FieldInfo['schema']> = { type: f.schema?.type ?? 'any' };
    if (f.schema?.items !== undefined) schema.items = f.schema.items;
    if (f.schema?.custom !== undefined) schema.custom = f.schema.custom;
    return { id: f.id, name: f.name, schema };
  });
  const wanted = neededFieldIds(fields, config);

  const byKey = new Map<string, Indexed>();
  const children = new Map<string, Indexed[]>();
  const restricted = new Map<string, Set<string>>();
  for (const [key, accounts] of Object.entries(snapshot.restrictions ?? {})) {
    restricted.set(key, new Set(accounts));
  }
  const subtaskTypes = new Set(snapshot.issueTypes.filter((t) => t.subtask).map((t) => t.id));
  snapshot.issues.forEach((issue, rank) => {
    const entry = { issue, rank };
    byKey.set(issue.key, entry);
    const parent = issue.fields.parent;
    if (parent != null) {
      const siblings = children.get(parent);
      if (siblings) siblings.push(entry);
      else children.set(parent, [entry]);
    }
  });
  // The emulator's visibility rule (src/emulator/site.ts canSee): restrictions, inherited by subtasks.
  const canSee = (issue: SnapshotIssue): boolean => {
    if (restricted.size === 0) return true;
    let current: SnapshotIssue | undefined = issue;
    for (let depth = 0; current !== undefined && depth < 4; depth++) {
      const allowed = restricted.get(current.key);
      if (allowed !== undefined && !allowed.has(accountId)) return false;
      if (!subtaskTypes.has(current.fields.issuetype)) break;
      const parentKey: string | null | undefined = current.fields.parent;
      current = parentKey == null ? undefined : byKey.get(parentKey)?.issue;
    }
    return true;
  };

  const render = renderer(snapshot, wanted, (key) => byKey.has(key));
  const read = new Map<string, JiraIssue>();
  const add = (issue: SnapshotIssue): JiraIssue | undefined => {
    if (read.has(issue.key)) return undefined;
    const out = render.render(issue);
    read.set(issue.key, out);
    return out;
  };

  // 1. The project's own issues, in rank order.
  const own: SnapshotIssue[] = [];
  for (const issue of snapshot.issues) {
    if (issue.fields.project === projectKey && canSee(issue) && add(issue)) own.push(issue);
  }

  // 2. Ancestors, one level per round; parents that are missing or hidden are reported.
  const missingParents: string[] = [];
  const unreadable = new Set<string>();
  let frontier = own;
  let ancestors = 0;
  let floor = 2 + Math.max(1, Math.ceil(own.length / MAX_SEARCH_PAGE_WITH_FIELDS));
  while (frontier.length > 0) {
    const parents = new Set<string>();
    for (const issue of frontier) {
      const parent = issue.fields.parent;
      if (parent != null && !read.has(parent) && !unreadable.has(parent)) parents.add(parent);
    }
    if (parents.size === 0) break;
    floor += Math.ceil(parents.size / BULK_FETCH_MAX);
    const next: SnapshotIssue[] = [];
    for (const key of parents) {
      const found = byKey.get(key)?.issue;
      if (found && canSee(found) && add(found)) next.push(found);
      else if (!read.has(key)) {
        unreadable.add(key);
        missingParents.push(key);
      }
    }
    ancestors += next.length;
    frontier = next;
  }

  // 3. Stories in other projects below the project's features, batch by batch as the scan asks.
  const levels = levelIndex(issueTypes, config.levels);
  const features = own.filter((i) => levels.get(i.fields.issuetype) === 'program').map((i) => i.key);
  let below = 0;
  let totalFound = 0;
  for (let i = 0; i < features.length; i += DEFAULT_CHILD_BATCH) {
    const batch: Indexed[] = [];
    for (const feature of features.slice(i, i + DEFAULT_CHILD_BATCH)) {
      for (const child of children.get(feature) ?? []) {
        if (child.issue.fields.project !== projectKey && canSee(child.issue)) batch.push(child);
      }
    }
    batch.sort((a, b) => a.rank - b.rank);
    totalFound += batch.length;
    for (const child of batch) if (add(child.issue)) below++;
  }
  if (features.length > 0) floor += Math.max(1, Math.ceil(totalFound / MAX_SEARCH_PAGE_WITH_FIELDS));

  // 4. Names of acceptors that no user field read names, as GET /user/bulk would give them.
  const issues = [...read.values()];
  const users: Record<string, UserRef> = {};
  const people = new Map(snapshot.users.map((u) => [u.accountId, u]));
  const unnamed = render.acceptorsWithoutName();
  for (const id of unnamed) {
    const user = people.get(id);
    if (user) users[id] = { accountId: id, displayName: user.displayName, active: user.active };
  }
  if (unnamed.length > 0) floor += Math.ceil(unnamed.length / USER_BULK_MAX);

  return {
    issueTypes,
    fields,
    issues,
    users,
    report: {
      missingParents,
      requests: { metadata: 0, project: 0, ancestors: 0, children: 0, users: 0 },
      issues: { metadata: 0, project: own.length, ancestors, children: below, users: 0 },
      floor,
    },
  };
}

interface Renderer {
  render(issue: SnapshotIssue): JiraIssue;
  /** Acceptors of the issues rendered so far that no user field of them names, sorted. */
  acceptorsWithoutName(): string[];
}

type FieldReader = (fields: SnapshotIssue['fields'], out: Record<string, unknown>) => void;

/**
 * Turns a snapshot issue into the JiraIssue the engine would get from `/search/jql` asking for
 * `wanted` fields and the acceptance property. One reader per wanted field is chosen up front, and
 * small objects that repeat (users, projects, issue types, statuses) are made once and shared,
 * which keeps 100,000 issues cheap.
 */
function renderer(snapshot: Snapshot, wanted: readonly string[], has: (key: string) => boolean): Renderer {
  const named = new Set<string>();
  const acceptors = new Set<string>();
  const userObjects = new Map<string, Record<string, unknown>>();
  for (const u of snapshot.users) {
    userObjects.set(u.accountId, { accountId: u.accountId, displayName: u.displayName, active: u.active });
  }
  const userObject = (id: string): Record<string, unknown> => {
    named.add(id);
    const known = userObjects.get(id);
    if (known) return known;
    // Jira's answer for an account it no longer knows (as the emulator renders it).
    const former = { accountId: id, displayName: 'Former user', active: false };
    userObjects.set(id, former);
    return former;
  };
  // As acceptorsWithoutName (src/jira/scan.ts) reads other fields: a user object, or an array of them.
  const noteUsers = (value: unknown): void => {
    for (const v of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (typeof v === 'object' && v !== null && 'accountId' in v && typeof v.accountId === 'string') {
        named.add(v.accountId);
      }
    }
  };
  const fieldsById = new Map(snapshot.fields.map((f) => [f.id, f]));
  const projects = new Map(snapshot.projects.map((p) => [p.key, { key: p.key, id: p.id, name: p.name }]));
  const types = new Map(
    snapshot.issueTypes.map((t) => [
      t.id,
      { id: t.id, name: t.name, subtask: t.subtask, hierarchyLevel: t.hierarchyLevel },
    ]),
  );
  const statuses = new Map<SnapshotStatus, Record<string, unknown>>();

  const readerFor = (name: string): FieldReader => {
    switch (name) {
      case 'summary':
        return (f, out) => void (out.summary = f.summary);
      case 'project':
        return (f, out) => {
          const p = projects.get(f.project);
          if (p) out.project = p;
        };
      case 'issuetype':
        return (f, out) => {
          const t = types.get(f.issuetype);
          if (t) out.issuetype = t;
        };
      case 'parent':
        return (f, out) => {
          if (f.parent != null && has(f.parent)) out.parent = { key: f.parent };
        };
      case 'status':
        return (f, out) => {
          let status = statuses.get(f.status);
          if (!status) {
            status = { name: f.status.name, statusCategory: { key: f.status.category } };
            statuses.set(f.status, status);
          }
          out.status = status;
        };
      case 'statuscategorychangedate':
      case 'description':
        return (f, out) => void (out[name] = f[name] ?? null);
      case 'created':
      case 'updated':
        return (f, out) => {
          if (f[name] !== undefined) out[name] = f[name];
        };
    }
    const field = fieldsById.get(name);
    const kind = name === 'assignee' ? 'single' : field ? userFieldKind(field) : null;
    if (kind === 'single') {
      return (f, out) => {
        const raw = f[name];
        out[name] = typeof raw === 'string' ? userObject(raw) : null;
      };
    }
    if (kind === 'multi') {
      return (f, out) => {
        const raw = f[name];
        const ids = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
        out[name] = ids.length > 0 ? ids.map(userObject) : null;
      };
    }
    if (field) {
      return (f, out) => {
        const raw = f[name] ?? null;
        noteUsers(raw);
        out[name] = raw;
      };
    }
    return (f, out) => {
      if (name in f) {
        noteUsers(f[name]);
        out[name] = f[name];
      }
    };
  };
  const readers = wanted.map(readerFor);

  return {
    render(issue) {
      const fields: Record<string, unknown> = {};
      for (const read of readers) read(issue.fields, fields);
      const out: JiraIssue = { id: issue.id, key: issue.key, fields };
      // As asked with `properties: [popm.acceptance]`: the object is there, empty or not.
      const acceptance = issue.properties?.[ACCEPTANCE_PROPERTY];
      out.properties = acceptance === undefined ? {} : { [ACCEPTANCE_PROPERTY]: acceptance };
      // The same test as acceptorsWithoutName's schema: an object whose acceptedBy is 1-128 characters.
      if (typeof acceptance === 'object' && acceptance !== null && !Array.isArray(acceptance)) {
        const by: unknown = (acceptance as Record<string, unknown>).acceptedBy;
        if (typeof by === 'string' && by.length >= 1 && by.length <= 128) acceptors.add(by);
      }
      return out;
    },
    acceptorsWithoutName: () => [...acceptors].filter((id) => !named.has(id)).sort(),
  };
}
