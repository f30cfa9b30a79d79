/**
 * The emulator's in-memory site: a snapshot indexed by key, id, project and parent so that every
 * lookup the REST handlers and the JQL evaluator make is O(1) or O(result), never a scan per issue.
 * Writes replace an issue's record with a shallow copy, so the caller's snapshot is never mutated.
 */
import type { StatusCategory } from '../domain/types';
import {
  userFieldKind,
  type Snapshot,
  type SnapshotField,
  type SnapshotIssue,
  type SnapshotIssueType,
  type SnapshotProject,
  type SnapshotUser,
} from '../snapshot/format';

export interface IssueRecord {
  /** Position in the snapshot: Jira "rank" order. */
  readonly rank: number;
  /** The number after the dash of the key, for key ordering. */
  readonly num: number;
  issue: SnapshotIssue;
}

export const STATUS_CATEGORY_INFO: Record<
  StatusCategory,
  { id: number; key: StatusCategory; name: string; colorName: string }
> = {
  new: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
};

/**
 * Where an emulated site's avatars live, when not where Jira Cloud keeps them: the sample's
 * accounts and projects are made up, so a host serving the site draws its own (src/localhost).
 */
export type AvatarUrlOf = (kind: 'user' | 'project', id: string) => string;

export class Site {
  readonly baseUrl: string;
  readonly users = new Map<string, SnapshotUser>();
  readonly userList: SnapshotUser[];
  readonly admins: Set<string>;
  readonly firstAdmin: string | null;
  readonly projectsByKey = new Map<string, SnapshotProject>();
  readonly projectsById = new Map<string, SnapshotProject>();
  readonly projects: SnapshotProject[];
  readonly issueTypes: SnapshotIssueType[];
  readonly issueTypesById = new Map<string, SnapshotIssueType>();
  readonly fields: SnapshotField[];
  readonly fieldsById = new Map<string, SnapshotField>();
  readonly byKey = new Map<string, IssueRecord>();
  readonly byId = new Map<string, IssueRecord>();
  readonly byProject = new Map<string, IssueRecord[]>();
  readonly children = new Map<string, IssueRecord[]>();
  readonly restrictions = new Map<string, Set<string>>();
  /** Status name (lower case) -> stable id, assigned in order of first appearance. */
  readonly statusIds = new Map<string, string>();
  readonly statusNames = new Map<string, string>();
  readonly records: IssueRecord[] = [];
  /** Bumped on every write so cached search results are not served stale. */
  version = 0;

  constructor(
    readonly snapshot: Snapshot,
    /** The site's clock: edits stamp `updated` with it, relative JQL dates count from it. */
    readonly now: () => Date = () => new Date(),
    readonly avatarUrlOf?: AvatarUrlOf,
  ) {
    this.baseUrl = snapshot.site.baseUrl.replace(/\/+$/, '');
    this.userList = snapshot.users;
    for (const u of snapshot.users) this.users.set(u.accountId, u);
    this.admins = new Set(snapshot.admins);
    this.firstAdmin = snapshot.admins[0] ?? null;
    this.projects = snapshot.projects;
    for (const p of snapshot.projects) {
      this.projectsByKey.set(p.key, p);
      this.projectsById.set(p.id, p);
      this.byProject.set(p.key, []);
    }
    this.issueTypes = snapshot.issueTypes;
    for (const t of snapshot.issueTypes) this.issueTypesById.set(t.id, t);
    this.fields = snapshot.fields;
    for (const f of snapshot.fields) this.fieldsById.set(f.id, f);
    let nextStatusId = 10000;
    snapshot.issues.forEach((issue, rank) => {
      const dash = issue.key.lastIndexOf('-');
      const rec: IssueRecord = { rank, num: Number(issue.key.slice(dash + 1)), issue };
      this.records.push(rec);
      this.byKey.set(issue.key, rec);
      this.byId.set(issue.id, rec);
      const inProject = this.byProject.get(issue.fields.project);
      if (inProject) inProject.push(rec);
      else this.byProject.set(issue.fields.project, [rec]);
      const parent = issue.fields.parent;
      if (parent != null) {
        const siblings = this.children.get(parent);
        if (siblings) siblings.push(rec);
        else this.children.set(parent, [rec]);
      }
      const status = issue.fields.status;
      const lower = status.name.toLowerCase();
      if (!this.statusIds.has(lower)) {
        this.statusIds.set(lower, status.id ?? String(nextStatusId++));
        this.statusNames.set(lower, status.name);
      }
    });
    for (const [key, accounts] of Object.entries(snapshot.restrictions ?? {})) {
      this.restrictions.set(key, new Set(accounts));
    }
  }

  /** Whether an account may see an issue (browse permission, issue-level restrictions). */
  canSee(rec: IssueRecord, accountId: string): boolean {
    // Jira gives a subtask its parent's security level: whoever cannot see the parent cannot see
    // its subtasks either. Bounded, so a (malformed) loop of subtasks cannot recurse forever.
    let current: IssueRecord | undefined = rec;
    for (let depth = 0; current !== undefined && depth < 4; depth++) {
      const allowed = this.restrictions.get(current.issue.key);
      if (allowed !== undefined && !allowed.has(accountId)) return false;
      if (this.issueTypesById.get(current.issue.fields.issuetype)?.subtask !== true) break;
      const parentKey: string | null | undefined = current.issue.fields.parent;
      current = parentKey == null ? undefined : this.byKey.get(parentKey);
    }
    return true;
  }

  /** An issue by key or id, or undefined when it does not exist or the account may not see it. */
  find(keyOrId: string, accountId: string): IssueRecord | undefined {
    const rec = this.byKey.get(keyOrId.toUpperCase()) ?? this.byId.get(keyOrId);
    return rec && this.canSee(rec, accountId) ? rec : undefined;
  }

  findProject(keyOrId: string): SnapshotProject | undefined {
    return this.projectsByKey.get(keyOrId.toUpperCase()) ?? this.projectsById.get(keyOrId);
  }

  isProjectAdmin(accountId: string, project: SnapshotProject | undefined): boolean {
    if (this.admins.has(accountId)) return true;
    return project !== undefined && project.lead === accountId;
  }

  setProperty(rec: IssueRecord, key: string, value: unknown): boolean {
    const existed = rec.issue.properties !== undefined && key in rec.issue.properties;
    rec.issue = { ...rec.issue, properties: { ...rec.issue.properties, [key]: value } };
    this.version++;
    return existed;
  }

  deleteProperty(rec: IssueRecord, key: string): boolean {
    const props = rec.issue.properties;
    if (!props || !(key in props)) return false;
    const next = { ...props };
    delete next[key];
    rec.issue = { ...rec.issue, properties: next };
    this.version++;
    return true;
  }

  /** An edit; like Jira, it moves the issue's `updated` time (property writes do not). */
  setFields(rec: IssueRecord, values: Record<string, unknown>): void {
    const updated = this.now().toISOString();
    rec.issue = { ...rec.issue, fields: { ...rec.issue.fields, ...values, updated } };
    this.version++;
  }

  userFieldKind(fieldId: string): 'single' | 'multi' | null {
    if (fieldId === 'assignee') return 'single';
    const f = this.fieldsById.get(fieldId);
    return f ? userFieldKind(f) : null;
  }

  /** The site as a snapshot again, writes included (for export and the local host). */
  toSnapshot(): Snapshot {
    return { ...this.snapshot, issues: this.records.map((r) => r.issue) };
  }
}
