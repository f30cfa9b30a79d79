/**
 * Compact per-issue facts: exactly what the engine reads of an issue, and nothing of Jira's full
 * response. A 250,000-issue project is held (and staged in storage between invocations) as these
 * facts, then turned back into minimal `JiraIssue`s for `evaluate`, which sees the same answers it
 * would have seen on the full responses.
 *
 * What is cut: descriptions and Acceptance Criteria documents become one flag (the only thing the
 * engine asks of them is "is there acceptance criteria?"), user objects become account ids with a
 * per-chunk directory, statuses and types become short tuples / ids.
 */
import { hasAcceptanceCriteria } from '../domain/adf';
import { effectiveConfig, type PopmConfig } from '../domain/config';
import { acceptanceCriteriaFieldId, neededFieldIds, SYSTEM_FIELDS } from '../domain/fields';
import { FIX_VERSIONS_FIELD, sprintFieldId, sprintsOf, versionsOf } from '../domain/scope';
import { isRecord, refValue, statusOf } from '../domain/read';
import { findingsFingerprint } from './findings-property';
import {
  ACCEPTANCE_PROPERTY,
  FINDINGS_PROPERTY,
  type FieldInfo,
  type IssueTypeInfo,
  type JiraIssue,
  type StatusCategory,
} from '../domain/types';

/** One issue, compactly. Short property names: these are stored by the hundred thousand. */
export interface Fact {
  /** Issue id. */
  i: string;
  /** Issue key. */
  k: string;
  /** Summary. */
  s: string;
  /** Project key, only when it differs from the key's prefix (an issue moved between projects). */
  p?: string;
  /** Issue type id. */
  t: string;
  /** The embedded type, only when the site's type list does not know `t`. */
  ty?: { name: string; hierarchyLevel: number; subtask: boolean };
  /** Parent key. */
  pa?: string;
  /** Status name and category. */
  st: [string, StatusCategory];
  /** statuscategorychangedate. */
  sc?: string;
  /** User fields: account id (single picker) or ids (multi picker). */
  u?: Record<string, string | string[]>;
  /** Other fields the engine reads (e.g. a team field), as Jira gave them. */
  x?: Record<string, unknown>;
  /** 1 when the issue has acceptance criteria (field or description section). */
  ac?: 1;
  /** The popm.acceptance property, when Jira returned one (may be malformed: the engine judges). */
  a?: unknown;
  /**
   * Who accepted the story (per the acceptance source the stored tree was evaluated with), so the
   * chunk's account directory keeps their name for messages ("accepted by ...") even when no user
   * field names them. Set by `nameAcceptors`.
   */
  ab?: string;
  /**
   * Fingerprint of the issue's `popm.findings` property as Jira returned it (`findingsFingerprint`),
   * absent when it has none or a malformed one. Only the scan asks for the property; it compares
   * this with the new value to write only what changed, then drops it before storing the tree.
   */
  fp?: string;
}

/** Display details of an account: [displayName, active, 48x48 avatar]; null where Jira gave none. */
export type UserDetails = [string | null, boolean | null, string | null];
export type UserDirectory = Record<string, UserDetails>;

/** What turning responses into facts needs to know about the site and configuration. */
export interface FactPlan {
  /** Field ids to request from Jira (`neededFieldIds`). */
  fieldIds: string[];
  /** The Acceptance Criteria field, if any (its value is reduced to a flag). */
  acField: string | undefined;
  /** Custom field ids other than the AC field, kept per issue. */
  keptFields: string[];
  knownTypes: Set<string>;
  /** The Sprint field, if the site has one: kept cut to what scopes read (src/domain/scope.ts). */
  sprintField?: string;
}

export function factPlan(
  meta: { issueTypes: IssueTypeInfo[]; fields: FieldInfo[] },
  config: PopmConfig,
  projectKey: string,
): FactPlan {
  const fieldIds = neededFieldIds(meta.fields, config);
  const acField = acceptanceCriteriaFieldId(effectiveConfig(config, projectKey), meta.fields);
  const system = new Set<string>(SYSTEM_FIELDS);
  const keptFields = fieldIds.filter((id) => !system.has(id) && id !== acField);
  const plan: FactPlan = {
    fieldIds,
    acField,
    keptFields,
    knownTypes: new Set(meta.issueTypes.map((t) => t.id)),
  };
  const sprintField = sprintFieldId(meta.fields);
  if (sprintField !== undefined) plan.sprintField = sprintField;
  return plan;
}

function userObject(value: unknown): { accountId: string; details: UserDetails } | undefined {
  if (!isRecord(value) || typeof value.accountId !== 'string' || value.accountId === '') return undefined;
  const avatar = isRecord(value.avatarUrls) ? value.avatarUrls['48x48'] : undefined;
  return {
    accountId: value.accountId,
    details: [
      typeof value.displayName === 'string' ? value.displayName : null,
      typeof value.active === 'boolean' ? value.active : null,
      typeof avatar === 'string' ? avatar : null,
    ],
  };
}

/** Reduces one issue to its fact, adding the accounts it names to `users`. */
export function toFact(issue: JiraIssue, plan: FactPlan, users: UserDirectory): Fact {
  const f = issue.fields;
  const st = statusOf(f.status);
  const fact: Fact = {
    i: issue.id,
    k: issue.key,
    s: typeof f.summary === 'string' ? f.summary : '',
    t: refValue(f.issuetype, 'id') ?? '',
    st: [st.name, st.category],
  };
  const project = refValue(f.project, 'key');
  const dash = issue.key.lastIndexOf('-');
  if (project !== undefined && project !== (dash > 0 ? issue.key.slice(0, dash) : issue.key))
    fact.p = project;
  if (!plan.knownTypes.has(fact.t) && isRecord(f.issuetype)) {
    fact.ty = {
      name: typeof f.issuetype.name === 'string' ? f.issuetype.name : '',
      hierarchyLevel: typeof f.issuetype.hierarchyLevel === 'number' ? f.issuetype.hierarchyLevel : 0,
      subtask: f.issuetype.subtask === true,
    };
  }
  const parent = refValue(f.parent, 'key');
  if (parent !== undefined) fact.pa = parent;
  if (typeof f.statuscategorychangedate === 'string') fact.sc = f.statuscategorychangedate;
  for (const id of plan.keptFields) {
    const value = f[id];
    // Jira's sprint and version objects carry goals, dates and links no view reads.
    if (id === plan.sprintField || id === FIX_VERSIONS_FIELD) {
      const cut = id === FIX_VERSIONS_FIELD ? versionsOf(value) : sprintsOf(value);
      if (cut.length > 0) (fact.x ??= {})[id] = cut;
      continue;
    }
    if (value === undefined || value === null) continue;
    const single = userObject(value);
    if (single) {
      (fact.u ??= {})[id] = single.accountId;
      users[single.accountId] = single.details;
      continue;
    }
    if (Array.isArray(value) && value.length > 0) {
      const many = value.map(userObject);
      if (many.every((u) => u !== undefined)) {
        (fact.u ??= {})[id] = many.map((u) => {
          users[u.accountId] = u.details;
          return u.accountId;
        });
        continue;
      }
    }
    (fact.x ??= {})[id] = value;
  }
  if (hasAcceptanceCriteria(plan.acField ? f[plan.acField] : undefined, f.description)) fact.ac = 1;
  const props = issue.properties;
  if (isRecord(props) && Object.hasOwn(props, ACCEPTANCE_PROPERTY)) fact.a = props[ACCEPTANCE_PROPERTY];
  const fp = isRecord(props) ? findingsFingerprint(props[FINDINGS_PROPERTY]) : undefined;
  if (fp !== undefined) fact.fp = fp;
  return fact;
}

/** A description the engine reads as "has acceptance criteria": stands in for the real one. */
const AC_DESCRIPTION = Object.freeze({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Acceptance criteria: present' }] }],
});

/**
 * Turns facts back into the `JiraIssue`s the engine reads. Shares one object per status, type and
 * account across every issue (a site has a handful of statuses and a few hundred people), which is
 * most of what keeps 250,000 issues small in memory.
 */
export class FactReader {
  private readonly statuses = new Map<string, unknown>();
  private readonly types = new Map<string, unknown>();
  private readonly users = new Map<string, unknown>();
  private readonly projects = new Map<string, unknown>();

  constructor(private readonly typeNames: ReadonlyMap<string, string>) {}

  private user(accountId: string, directory: UserDirectory): unknown {
    const d = directory[accountId];
    const cacheKey = d
      ? `${accountId}\u0000${d[0] ?? ''}\u0000${String(d[1])}\u0000${d[2] ?? ''}`
      : accountId;
    let user = this.users.get(cacheKey);
    if (!user) {
      const u: Record<string, unknown> = { accountId };
      if (d?.[0] != null) u.displayName = d[0];
      if (d?.[1] != null) u.active = d[1];
      if (d?.[2] != null) u.avatarUrls = { '48x48': d[2] };
      user = u;
      this.users.set(cacheKey, user);
    }
    return user;
  }

  issue(fact: Fact, directory: UserDirectory): JiraIssue {
    const fields: Record<string, unknown> = { summary: fact.s };
    if (fact.p !== undefined) {
      let project = this.projects.get(fact.p);
      if (!project) this.projects.set(fact.p, (project = { key: fact.p }));
      fields.project = project;
    }
    const typeKey = fact.ty ? `${fact.t}\u0000${JSON.stringify(fact.ty)}` : fact.t;
    let type = this.types.get(typeKey);
    if (!type) {
      type = fact.ty ? { id: fact.t, ...fact.ty } : { id: fact.t, name: this.typeNames.get(fact.t) ?? '' };
      this.types.set(typeKey, type);
    }
    fields.issuetype = type;
    if (fact.pa !== undefined) fields.parent = { key: fact.pa };
    const statusKey = `${fact.st[1]}:${fact.st[0]}`;
    let status = this.statuses.get(statusKey);
    if (!status) {
      status = { name: fact.st[0], statusCategory: { key: fact.st[1] } };
      this.statuses.set(statusKey, status);
    }
    fields.status = status;
    if (fact.sc !== undefined) fields.statuscategorychangedate = fact.sc;
    if (fact.u) {
      for (const [id, value] of Object.entries(fact.u)) {
        fields[id] = Array.isArray(value)
          ? value.map((a) => this.user(a, directory))
          : this.user(value, directory);
      }
    }
    if (fact.x) for (const [id, value] of Object.entries(fact.x)) fields[id] = value;
    if (fact.ac === 1) fields.description = AC_DESCRIPTION;
    const issue: JiraIssue = { id: fact.i, key: fact.k, fields };
    if (Object.hasOwn(fact, 'a')) issue.properties = { [ACCEPTANCE_PROPERTY]: fact.a };
    return issue;
  }
}

export function projectOfFact(fact: Fact): string {
  if (fact.p !== undefined) return fact.p;
  const dash = fact.k.lastIndexOf('-');
  return dash > 0 ? fact.k.slice(0, dash) : fact.k;
}

/** The accounts a set of facts names, from a larger directory (to store with a chunk). */
export function directoryFor(
  facts: readonly Fact[],
  from: UserDirectory,
  into: UserDirectory = {},
): UserDirectory {
  for (const fact of facts) {
    const acceptor = fact.ab === undefined ? undefined : from[fact.ab];
    if (fact.ab !== undefined && acceptor) into[fact.ab] = acceptor;
    if (!fact.u) continue;
    for (const value of Object.values(fact.u)) {
      for (const id of Array.isArray(value) ? value : [value]) {
        const d = from[id];
        if (d) into[id] = d;
      }
    }
  }
  return into;
}
