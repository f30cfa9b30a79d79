/**
 * Scope within a project (rules.md, "Scope within a project"): one sprint or one fix version.
 * Rules are never evaluated differently under a scope; a scope only picks which issues' findings
 * are reported and which issues count in the coverage figures. Pure: the caller brings issues it
 * has read and an evaluation it has made.
 */
import { compareIssueKeys, isRecord, nonEmptyString } from './read';
import type { AuditResult, Coverage, EvaluatedIssue, FieldInfo, Finding, JiraIssue, RuleId } from './types';

/** Jira Software's Sprint field is found by its type, never by name (sites rename it). */
export const SPRINT_FIELD_TYPE = 'com.pyxis.greenhopper.jira:gh-sprint';
/** The system field holding an issue's fix versions. */
export const FIX_VERSIONS_FIELD = 'fixVersions';

export const SPRINT_STATES = ['active', 'closed', 'future'] as const;
export type SprintState = (typeof SPRINT_STATES)[number];

/** A sprint as the Sprint field holds it, cut to what scoping needs. */
export interface SprintRef {
  id: number;
  name: string;
  state: SprintState;
  boardId?: number;
}

/** A version as `fixVersions` holds it, cut to what scoping needs. */
export interface VersionRef {
  id: string;
  name: string;
  released: boolean;
}

/** `sprint` is an id, an exact name, or `active` (every active sprint of the project's stories). */
export type Scope = { kind: 'sprint'; sprint: number | string } | { kind: 'fixVersion'; name: string };

/** A scope naming a sprint or version that none of the project's stories is in. */
export class UnknownScopeError extends Error {
  constructor(
    readonly scope: Scope,
    /** What the project's stories are in, for the message's hint. */
    readonly known: string[],
  ) {
    super(
      scope.kind === 'sprint'
        ? scope.sprint === 'active'
          ? 'no story of the project is in an active sprint'
          : `no story of the project is in sprint ${JSON.stringify(String(scope.sprint))}`
        : `no story of the project has fix version ${JSON.stringify(scope.name)}`,
    );
    this.name = 'UnknownScopeError';
  }
}

/** The Sprint field of the site, if it has Jira Software. */
export function sprintFieldId(fields: readonly FieldInfo[]): string | undefined {
  return fields.find((f) => f.schema?.custom === SPRINT_FIELD_TYPE)?.id;
}

/** The sprints a Sprint field value holds; malformed entries are skipped, not guessed at. */
export function sprintsOf(value: unknown): SprintRef[] {
  if (!Array.isArray(value)) return [];
  const out: SprintRef[] = [];
  for (const item of value) {
    if (!isRecord(item)) continue;
    const id = typeof item.id === 'number' ? item.id : Number(item.id);
    const name = nonEmptyString(item.name);
    const state = typeof item.state === 'string' ? item.state.toLowerCase() : '';
    if (!Number.isSafeInteger(id) || id <= 0 || name === undefined) continue;
    if (!(SPRINT_STATES as readonly string[]).includes(state)) continue;
    const sprint: SprintRef = { id, name, state: state as SprintState };
    if (typeof item.boardId === 'number') sprint.boardId = item.boardId;
    out.push(sprint);
  }
  return out;
}

/** The versions a `fixVersions` value holds. */
export function versionsOf(value: unknown): VersionRef[] {
  if (!Array.isArray(value)) return [];
  const out: VersionRef[] = [];
  for (const item of value) {
    if (!isRecord(item)) continue;
    const name = nonEmptyString(item.name);
    if (name === undefined) continue;
    out.push({
      id: typeof item.id === 'string' || typeof item.id === 'number' ? String(item.id) : '',
      name,
      released: item.released === true,
    });
  }
  return out;
}

/** What one story is in: the input of scope selection, whichever layer read it. */
export interface StoryScope {
  key: string;
  sprints: readonly SprintRef[];
  fixVersions: readonly string[];
}

/** Reads a story's sprints and fix versions from its Jira fields. */
export function storyScopeOf(issue: JiraIssue, sprintField: string | undefined): StoryScope {
  return {
    key: issue.key,
    sprints: sprintField === undefined ? [] : sprintsOf(issue.fields[sprintField]),
    fixVersions: versionsOf(issue.fields[FIX_VERSIONS_FIELD]).map((v) => v.name),
  };
}

/** Every sprint and version the stories are in: what a picker offers. Newest sprint first. */
export function scopeChoices(stories: Iterable<StoryScope>): { sprints: SprintRef[]; versions: string[] } {
  const sprints = new Map<number, SprintRef>();
  const versions = new Set<string>();
  for (const s of stories) {
    for (const sprint of s.sprints) if (!sprints.has(sprint.id)) sprints.set(sprint.id, sprint);
    for (const v of s.fixVersions) versions.add(v);
  }
  return {
    // Jira numbers sprints as they are created, so a higher id is a later sprint.
    sprints: [...sprints.values()].sort((a, b) => b.id - a.id),
    versions: [...versions].sort((a, b) => a.localeCompare(b)),
  };
}

/** The ids of the sprints a scope names; throws UnknownScopeError when none matches. */
export function resolveSprints(scope: Scope & { kind: 'sprint' }, known: readonly SprintRef[]): Set<number> {
  const wanted = scope.sprint;
  let ids: number[];
  if (wanted === 'active') ids = known.filter((s) => s.state === 'active').map((s) => s.id);
  else if (typeof wanted === 'number' || /^[1-9][0-9]{0,15}$/.test(wanted)) {
    const id = Number(wanted);
    // An all-digit name is still a name when no sprint has that id.
    ids = known.some((s) => s.id === id) ? [id] : known.filter((s) => s.name === wanted).map((s) => s.id);
  } else ids = known.filter((s) => s.name === wanted).map((s) => s.id);
  if (ids.length === 0)
    throw new UnknownScopeError(
      scope,
      known.map((s) => `${s.id} ${s.name}`),
    );
  return new Set(ids);
}

/**
 * The stories of the project in the scope. Throws UnknownScopeError when the scope names a sprint or
 * version none of the project's stories is in.
 */
export function storiesInScope(stories: readonly StoryScope[], scope: Scope): Set<string> {
  const out = new Set<string>();
  if (scope.kind === 'sprint') {
    const ids = resolveSprints(scope, scopeChoices(stories).sprints);
    for (const s of stories) if (s.sprints.some((sp) => ids.has(sp.id))) out.add(s.key);
    return out;
  }
  let known = false;
  for (const s of stories) {
    if (!s.fixVersions.includes(scope.name)) continue;
    known = true;
    out.add(s.key);
  }
  if (!known) throw new UnknownScopeError(scope, scopeChoices(stories).versions);
  return out;
}

/** The minimum an issue needs for scope selection: key, parent, level, project membership. */
export interface ScopeNode {
  key: string;
  parentKey: string | null;
  level: EvaluatedIssue['level'];
  inScope: boolean;
}

/**
 * In-scope keys: the scoped stories, the features above them and the epics above those. Walks
 * each story's ancestors (a cycle stops at the first repeat).
 */
export function scopedKeys(nodes: readonly ScopeNode[], stories: ReadonlySet<string>): Set<string> {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const out = new Set<string>();
  for (const key of stories) {
    const story = byKey.get(key);
    if (!story || !story.inScope || story.level !== 'team') continue;
    out.add(key);
    let parent = story.parentKey === null ? undefined : byKey.get(story.parentKey);
    while (parent && !out.has(parent.key)) {
      if (parent.inScope && (parent.level === 'program' || parent.level === 'portfolio')) out.add(parent.key);
      parent = parent.parentKey === null ? undefined : byKey.get(parent.parentKey);
    }
  }
  return out;
}

/** What an issue contributes to scoped figures. */
export interface FigureNode extends ScopeNode {
  hasOwner: boolean;
  done: boolean;
  acceptanceValid: boolean;
  findings: readonly Finding[];
}

export interface ScopedFigures {
  findings: Finding[];
  coverage: Coverage;
  issueCount: number;
  countsByRule: Partial<Record<RuleId, number>>;
}

/** Findings, coverage and counts of the in-scope issues. */
export function scopedFigures(nodes: readonly FigureNode[], keys: ReadonlySet<string>): ScopedFigures {
  const findings: Finding[] = [];
  const countsByRule: Partial<Record<RuleId, number>> = {};
  let features = 0;
  let featuresWithPm = 0;
  let done = 0;
  let accepted = 0;
  let issueCount = 0;
  for (const n of nodes) {
    if (!keys.has(n.key)) continue;
    issueCount++;
    if (n.level === 'program') {
      features++;
      if (n.hasOwner) featuresWithPm++;
    } else if (n.level === 'team' && n.done) {
      done++;
      if (n.acceptanceValid) accepted++;
    }
    for (const f of n.findings) {
      findings.push(f);
      countsByRule[f.rule] = (countsByRule[f.rule] ?? 0) + 1;
    }
  }
  // The engine's order: issue key, then catalog order (kept by the stable sort).
  findings.sort((a, b) => compareIssueKeys(a.issueKey, b.issueKey));
  return {
    findings,
    coverage: {
      featuresWithPm: features === 0 ? null : featuresWithPm / features,
      doneStoriesAccepted: done === 0 ? null : accepted / done,
    },
    issueCount,
    countsByRule,
  };
}

/**
 * An audit limited to a scope. `issues` are the Jira issues the evaluation read (for their Sprint
 * and fixVersions fields). Issues keep their findings; those outside the scope are marked out of
 * scope, and roll-ups count only in-scope findings.
 */
export function scopeAudit(
  result: AuditResult,
  issues: readonly JiraIssue[],
  fields: readonly FieldInfo[],
  scope: Scope,
): AuditResult {
  const sprintField = sprintFieldId(fields);
  const levelOf = new Map(result.issues.map((i) => [i.key, i]));
  const stories: StoryScope[] = [];
  for (const issue of issues) {
    const ev = levelOf.get(issue.key);
    if (ev?.inScope && ev.level === 'team') stories.push(storyScopeOf(issue, sprintField));
  }
  const keys = scopedKeys(result.issues, storiesInScope(stories, scope));
  const nodes = result.issues.map(figureNode);
  const below = scopedBelowCounts(nodes, keys);
  return {
    ...result,
    issues: result.issues.map((i) => ({
      ...i,
      inScope: keys.has(i.key),
      findings: keys.has(i.key) ? i.findings : [],
      belowCounts: below.get(i.key) ?? {},
    })),
    ...scopedFigures(nodes, keys),
  };
}

function figureNode(i: EvaluatedIssue): FigureNode {
  return {
    key: i.key,
    parentKey: i.parentKey,
    level: i.level,
    inScope: i.inScope,
    hasOwner: i.owners.length > 0,
    done: i.status.category === 'done',
    acceptanceValid: i.acceptanceValid,
    findings: i.findings,
  };
}

/** Roll-ups of in-scope findings below each node (bottom-up over parent links). */
export function scopedBelowCounts(
  nodes: readonly FigureNode[],
  keys: ReadonlySet<string>,
): Map<string, Partial<Record<RuleId, number>>> {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const out = new Map<string, Partial<Record<RuleId, number>>>();
  for (const n of nodes) {
    if (!keys.has(n.key) || n.findings.length === 0) continue;
    const seen = new Set<string>([n.key]);
    for (let p = n.parentKey; p !== null && !seen.has(p);) {
      seen.add(p);
      const target = out.get(p) ?? {};
      for (const f of n.findings) target[f.rule] = (target[f.rule] ?? 0) + 1;
      out.set(p, target);
      p = byKey.get(p)?.parentKey ?? null;
    }
  }
  return out;
}

/** Reads a scope from `?sprint=` / `?fixVersion=` style values; undefined when neither is given. */
export function scopeFrom(values: { sprint?: string; fixVersion?: string }): Scope | undefined {
  const sprint = values.sprint?.trim();
  const version = values.fixVersion?.trim();
  if (sprint) return { kind: 'sprint', sprint };
  if (version) return { kind: 'fixVersion', name: version };
  return undefined;
}
