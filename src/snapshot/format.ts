/**
 * The `popm-snapshot/1` format (../shared/spec/snapshot.md): one JSON file standing for a Jira
 * Cloud site. The emulator serves it through Jira's REST shapes (the local host, tests); `popm audit
 * --snapshot` reads it directly through ./scan.ts, which gives the engine the same issues and values
 * the emulator path would (test/cli/snapshot-scan.test.ts holds the two to identical findings).
 *
 * `parseSnapshot` validates the whole file, structure first (zod) and then every reference, and
 * either returns a complete Snapshot or throws a SnapshotError naming each bad path. Unknown
 * top-level keys and unknown issue fields are kept and ignored.
 */
import { z } from 'zod';
import { formatPath } from '../domain/config';
import { decisionSchema } from '../domain/acceptance';
import {
  ACCEPTANCE_PROPERTY,
  MIRRORED_DECISIONS,
  STATUS_CATEGORIES,
  type StatusCategory,
} from '../domain/types';

export const SNAPSHOT_FORMAT = 'popm-snapshot/1';

export interface SnapshotUser {
  accountId: string;
  displayName: string;
  active: boolean;
  emailAddress?: string;
  accountType?: 'atlassian' | 'app' | 'customer';
  [extra: string]: unknown;
}

export interface SnapshotProject {
  id: string;
  key: string;
  name: string;
  /** Account id of the project lead (a project admin). */
  lead?: string;
  [extra: string]: unknown;
}

export interface SnapshotIssueType {
  id: string;
  name: string;
  hierarchyLevel: number;
  subtask: boolean;
  [extra: string]: unknown;
}

export interface SnapshotFieldSchema {
  type: string;
  items?: string;
  custom?: string;
  customId?: number;
  [extra: string]: unknown;
}

export interface SnapshotField {
  id: string;
  name: string;
  schema?: SnapshotFieldSchema;
  [extra: string]: unknown;
}

export interface SnapshotStatus {
  name: string;
  category: StatusCategory;
  id?: string;
}

/**
 * Issue fields by Jira name (system) or id (custom). References are by key or id: `project` is a
 * project key, `issuetype` an issue type id, `parent` an issue key, `assignee` and user custom
 * fields account ids (multi-user fields: arrays of them).
 */
export interface SnapshotIssueFields {
  summary: string;
  project: string;
  issuetype: string;
  parent?: string | null;
  status: SnapshotStatus;
  statuscategorychangedate?: string | null;
  created?: string;
  updated?: string;
  assignee?: string | null;
  description?: unknown;
  [field: string]: unknown;
}

export interface SnapshotIssue {
  id: string;
  key: string;
  fields: SnapshotIssueFields;
  properties?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  site: { baseUrl: string; [extra: string]: unknown };
  users: SnapshotUser[];
  /** Accounts holding the ADMINISTER global permission. */
  admins: string[];
  projects: SnapshotProject[];
  issueTypes: SnapshotIssueType[];
  /** Custom fields only; system fields are implied. */
  fields: SnapshotField[];
  issues: SnapshotIssue[];
  /** Optional, emulator only: issue key -> the only accounts that may see it. */
  restrictions?: Record<string, string[]>;
  [extra: string]: unknown;
}

export interface SnapshotIssueProblem {
  path: string;
  message: string;
}

export class SnapshotError extends Error {
  constructor(readonly problems: SnapshotIssueProblem[]) {
    const shown = problems.slice(0, 5).map((p) => `${p.path || '(root)'}: ${p.message}`);
    const more = problems.length > 5 ? `; and ${problems.length - 5} more` : '';
    super(`${shown.join('; ')}${more}`);
    this.name = 'SnapshotError';
  }
}

const nonEmpty = z.string().min(1);
const isoDate = z.string().min(1);

const userSchema = z.looseObject({
  accountId: nonEmpty,
  displayName: z.string(),
  active: z.boolean(),
  emailAddress: z.string().optional(),
  accountType: z.enum(['atlassian', 'app', 'customer']).optional(),
});

const projectSchema = z.looseObject({
  id: nonEmpty,
  key: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be a project key such as ART'),
  name: z.string(),
  lead: nonEmpty.optional(),
});

const issueTypeSchema = z.looseObject({
  id: nonEmpty,
  name: nonEmpty,
  hierarchyLevel: z.number().int(),
  subtask: z.boolean(),
});

const fieldSchema = z.looseObject({
  id: z.string().regex(/^customfield_\d+$/, 'must be a custom field id such as customfield_10101'),
  name: nonEmpty,
  schema: z
    .looseObject({
      type: nonEmpty,
      items: z.string().optional(),
      custom: z.string().optional(),
      customId: z.number().optional(),
    })
    .optional(),
});

const statusSchema = z.object({
  name: nonEmpty,
  category: z.enum(STATUS_CATEGORIES),
  id: nonEmpty.optional(),
});

const issueFieldsSchema = z.looseObject({
  summary: z.string(),
  project: nonEmpty,
  issuetype: nonEmpty,
  parent: nonEmpty.nullable().optional(),
  status: statusSchema,
  statuscategorychangedate: isoDate.nullable().optional(),
  created: isoDate.optional(),
  updated: isoDate.optional(),
  assignee: nonEmpty.nullable().optional(),
});

const issueSchema = z.looseObject({
  id: z.string().regex(/^\d+$/, 'must be a numeric issue id such as 10001'),
  key: z.string().regex(/^[A-Z][A-Z0-9_]*-\d+$/, 'must be an issue key such as ART-1'),
  fields: issueFieldsSchema,
  properties: z.record(z.string(), z.unknown()).optional(),
});

const snapshotSchema = z.looseObject({
  format: z.literal(SNAPSHOT_FORMAT, { error: `must be "${SNAPSHOT_FORMAT}"` }),
  site: z.looseObject({ baseUrl: z.url() }),
  users: z.array(userSchema),
  admins: z.array(nonEmpty).default([]),
  projects: z.array(projectSchema),
  issueTypes: z.array(issueTypeSchema),
  fields: z.array(fieldSchema).default([]),
  issues: z.array(issueSchema),
  restrictions: z.record(z.string(), z.array(nonEmpty)).optional(),
});

/** Is this custom field a single user picker, a multi user picker, or neither? */
export function userFieldKind(field: SnapshotField): 'single' | 'multi' | null {
  const s = field.schema;
  if (!s) return null;
  if (s.type === 'user') return 'single';
  if (s.type === 'array' && s.items === 'user') return 'multi';
  return null;
}

/** Validates an untrusted snapshot completely; throws SnapshotError naming every bad path. */
export function parseSnapshot(input: unknown): Snapshot {
  const parsed = snapshotSchema.safeParse(input);
  if (!parsed.success) {
    throw new SnapshotError(
      parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  const snapshot: Snapshot = parsed.data;
  const problems = checkReferences(snapshot);
  if (problems.length > 0) throw new SnapshotError(problems);
  return snapshot;
}

/** Every cross-reference of a structurally valid snapshot; returns the broken ones. */
export function checkReferences(snapshot: Snapshot): SnapshotIssueProblem[] {
  const problems: SnapshotIssueProblem[] = [];
  const add = (path: string, message: string): void => {
    if (problems.length < 1000) problems.push({ path, message });
  };

  const users = new Set<string>();
  snapshot.users.forEach((u, i) => {
    if (users.has(u.accountId)) add(`users[${i}].accountId`, `duplicate account id ${u.accountId}`);
    users.add(u.accountId);
  });
  const checkUser = (path: string, id: unknown): void => {
    if (typeof id !== 'string' || id === '') add(path, 'must be an account id');
    else if (!users.has(id)) add(path, `no user ${id}`);
  };
  snapshot.admins.forEach((a, i) => checkUser(`admins[${i}]`, a));

  const projectKeys = new Set<string>();
  const projectIds = new Set<string>();
  snapshot.projects.forEach((p, i) => {
    if (projectKeys.has(p.key)) add(`projects[${i}].key`, `duplicate project key ${p.key}`);
    if (projectIds.has(p.id)) add(`projects[${i}].id`, `duplicate project id ${p.id}`);
    projectKeys.add(p.key);
    projectIds.add(p.id);
    if (p.lead !== undefined) checkUser(`projects[${i}].lead`, p.lead);
  });

  const typeIds = new Set<string>();
  snapshot.issueTypes.forEach((t, i) => {
    if (typeIds.has(t.id)) add(`issueTypes[${i}].id`, `duplicate issue type id ${t.id}`);
    typeIds.add(t.id);
  });

  const fields = new Map<string, SnapshotField>();
  snapshot.fields.forEach((f, i) => {
    if (fields.has(f.id)) add(`fields[${i}].id`, `duplicate field id ${f.id}`);
    fields.set(f.id, f);
  });

  const keys = new Set<string>();
  const ids = new Set<string>();
  snapshot.issues.forEach((issue, i) => {
    if (keys.has(issue.key)) add(`issues[${i}].key`, `duplicate issue key ${issue.key}`);
    if (ids.has(issue.id)) add(`issues[${i}].id`, `duplicate issue id ${issue.id}`);
    keys.add(issue.key);
    ids.add(issue.id);
  });

  snapshot.issues.forEach((issue, i) => {
    const base = `issues[${i}]`;
    const f = issue.fields;
    if (!projectKeys.has(f.project)) add(`${base}.fields.project`, `no project ${f.project}`);
    else if (!issue.key.startsWith(`${f.project}-`))
      add(`${base}.key`, `key ${issue.key} does not belong to project ${f.project}`);
    if (!typeIds.has(f.issuetype)) add(`${base}.fields.issuetype`, `no issue type ${f.issuetype}`);
    if (f.parent != null) {
      if (!keys.has(f.parent)) add(`${base}.fields.parent`, `no issue ${f.parent}`);
      else if (f.parent === issue.key) add(`${base}.fields.parent`, 'an issue cannot be its own parent');
    }
    if (f.assignee != null) checkUser(`${base}.fields.assignee`, f.assignee);
    for (const name of Object.keys(f)) {
      if (!name.startsWith('customfield_')) continue;
      const field = fields.get(name);
      const path = `${base}.fields.${name}`;
      if (!field) {
        add(path, `no custom field ${name}`);
        continue;
      }
      const value = f[name];
      if (value === null || value === undefined) continue;
      const kind = userFieldKind(field);
      if (kind === 'single') checkUser(path, value);
      else if (kind === 'multi') {
        if (!Array.isArray(value)) add(path, 'must be an array of account ids');
        else value.forEach((v, j) => checkUser(`${path}[${j}]`, v));
      }
    }
    const acceptance = issue.properties?.[ACCEPTANCE_PROPERTY];
    if (acceptance !== undefined) {
      const path = `${base}.properties.${ACCEPTANCE_PROPERTY}`;
      const withDecisions =
        typeof acceptance === 'object' && acceptance !== null && 'decisions' in acceptance;
      const record = (withDecisions ? mirrorShape : acceptanceShape).safeParse(acceptance);
      if (!record.success) {
        for (const p of record.error.issues) add(`${path}.${formatPath(p.path)}`, p.message);
      } else {
        if (record.data.acceptedBy !== undefined) checkUser(`${path}.acceptedBy`, record.data.acceptedBy);
        const parsed = mirrorShape.safeParse(record.data);
        const decisions = withDecisions && parsed.success ? parsed.data.decisions : [];
        decisions.forEach((d, j) => checkUser(`${path}.decisions[${j}].by`, d.by));
      }
    }
  });

  // Parents must form a forest; a cycle would make "ancestors" loop forever downstream.
  const parentOf = new Map<string, string>();
  for (const issue of snapshot.issues) {
    if (issue.fields.parent != null) parentOf.set(issue.key, issue.fields.parent);
  }
  const done = new Set<string>();
  snapshot.issues.forEach((issue, i) => {
    const seen = new Set<string>();
    let k: string | undefined = issue.key;
    while (k !== undefined && !done.has(k)) {
      if (seen.has(k)) {
        add(`issues[${i}].fields.parent`, `parent cycle through ${k}`);
        break;
      }
      seen.add(k);
      k = parentOf.get(k);
    }
    for (const s of seen) done.add(s);
  });

  if (snapshot.restrictions) {
    for (const [key, accounts] of Object.entries(snapshot.restrictions)) {
      if (!keys.has(key)) add(`restrictions.${key}`, `no issue ${key}`);
      accounts.forEach((a, j) => checkUser(`restrictions.${key}[${j}]`, a));
    }
  }
  return problems;
}

/** A mirror with decisions (rules.md, "Decisions"): the record's fields only when it has one. */
const mirrorShape = z.looseObject({
  acceptedBy: nonEmpty.optional(),
  acceptedAt: isoDate.optional(),
  statusCategory: z.enum(STATUS_CATEGORIES).optional(),
  decisions: z.array(decisionSchema).max(MIRRORED_DECISIONS),
});

const acceptanceShape = z.looseObject({
  acceptedBy: nonEmpty,
  acceptedAt: isoDate,
  statusCategory: z.enum(STATUS_CATEGORIES).optional(),
});
