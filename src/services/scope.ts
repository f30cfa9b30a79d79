/**
 * Scoped project views (rules.md, "Scope within a project") from the stored tree: the scan
 * already kept each story's sprints and fix versions (src/scale/compact.ts), so a scope costs
 * storage reads only, never a Jira request. The rows keep the findings the whole-project
 * evaluation gave them; a scope only selects rows and recounts.
 */
import {
  FIX_VERSIONS_FIELD,
  scopeChoices,
  scopedBelowCounts,
  scopedFigures,
  scopedKeys,
  sprintFieldId,
  sprintsOf,
  storiesInScope,
  UnknownScopeError,
  versionsOf,
  type FigureNode,
  type Scope,
  type StoryScope,
} from '../domain/scope';
import type { Severity } from '../domain/types';
import { readAll, type TreeManifest } from '../scale/tree-store';
import type { ScopeChoices, ScopeView, SprintFigure, TreeRow } from '../shared/contract';
import type { KeyValueStore } from '../storage/store';
import { ServiceError } from './errors';

/** How many recent sprints the gadget shows a figure for. */
export const RECENT_SPRINTS = 5;

export interface ScopeSource {
  manifest: TreeManifest;
  rows: TreeRow[];
  /** The project's own stories with what they are in. */
  stories: StoryScope[];
}

/** The stored tree's rows and its stories' sprints and versions; undefined without a stored tree. */
export async function readScopeSource(
  store: KeyValueStore,
  projectKey: string,
): Promise<ScopeSource | undefined> {
  const all = await readAll(store, projectKey);
  if (!all) return undefined;
  const sprintField = sprintFieldId(all.manifest.meta.fields);
  const factByKey = new Map(all.facts.map((f) => [f.k, f]));
  const stories: StoryScope[] = [];
  for (const row of all.rows) {
    if (row.context || row.level !== 'team') continue;
    const x = factByKey.get(row.key)?.x;
    stories.push({
      key: row.key,
      sprints: sprintField === undefined ? [] : sprintsOf(x?.[sprintField]),
      fixVersions: versionsOf(x?.[FIX_VERSIONS_FIELD]).map((v) => v.name),
    });
  }
  return { manifest: all.manifest, rows: all.rows, stories };
}

export function choicesOf(source: ScopeSource): ScopeChoices {
  const { sprints, versions } = scopeChoices(source.stories);
  return { sprints: sprints.map(({ id, name, state }) => ({ id, name, state })), versions };
}

/** The scope named by `?sprint=` / `?fixVersion=` values, with its words. */
export function scopeView(scope: Scope, source: ScopeSource): ScopeView {
  if (scope.kind === 'fixVersion') return { kind: 'fixVersion', value: scope.name, label: scope.name };
  const value = String(scope.sprint);
  if (value === 'active') return { kind: 'sprint', value, label: 'Active sprints' };
  const sprint =
    choicesOf(source).sprints.find((s) => String(s.id) === value) ??
    choicesOf(source).sprints.find((s) => s.name === value);
  return { kind: 'sprint', value, label: sprint?.name ?? value };
}

function figureNode(row: TreeRow): FigureNode {
  return {
    key: row.key,
    parentKey: row.parentKey,
    level: row.level,
    inScope: !row.context,
    hasOwner: row.owners.length > 0,
    done: row.status.category === 'done',
    acceptanceValid: row.acceptance?.valid === true,
    findings: row.findings,
  };
}

export interface ScopedTree {
  /** In-scope rows and the context ancestors that place them, in tree order. */
  rows: TreeRow[];
  figures: ReturnType<typeof scopedFigures>;
  countsBySeverity: Record<Severity, number>;
}

/** The rows and figures of a scope. Throws ServiceError NOT_FOUND for a scope nothing is in. */
export function scopedTree(source: ScopeSource, scope: Scope): ScopedTree {
  let stories: Set<string>;
  try {
    stories = storiesInScope(source.stories, scope);
  } catch (e) {
    if (!(e instanceof UnknownScopeError)) throw e;
    const path = scope.kind === 'sprint' ? 'sprint' : 'fixVersion';
    throw new ServiceError('NOT_FOUND', e.message.replace('the project', source.manifest.projectKey), [
      { path, message: 'not a sprint or version of the project' },
    ]);
  }
  const nodes = source.rows.map(figureNode);
  const keys = scopedKeys(nodes, stories);
  // Context ancestors (features in an ART project above team stories) keep the tree's shape.
  const shown = new Set(keys);
  const parentOf = new Map(source.rows.map((r) => [r.key, r.parentKey]));
  for (const key of stories) {
    for (let p = parentOf.get(key) ?? null; p !== null && !shown.has(p); p = parentOf.get(p) ?? null)
      if (parentOf.has(p)) shown.add(p);
  }
  const below = scopedBelowCounts(nodes, keys);
  const rows = source.rows
    .filter((r) => shown.has(r.key))
    .map((r) => ({ ...r, findings: keys.has(r.key) ? r.findings : [], belowCounts: below.get(r.key) ?? {} }));
  const figures = scopedFigures(nodes, keys);
  const countsBySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of figures.findings) countsBySeverity[f.severity]++;
  return { rows, figures, countsBySeverity };
}

/**
 * "Done stories accepted" per recent sprint (the active and closed ones, newest `limit`), oldest
 * first: what an iteration review looks at.
 */
export function sprintFigures(source: ScopeSource, limit = RECENT_SPRINTS): SprintFigure[] {
  const doneOf = new Map<string, { done: boolean; valid: boolean }>();
  for (const row of source.rows) {
    if (row.context || row.level !== 'team') continue;
    doneOf.set(row.key, { done: row.status.category === 'done', valid: row.acceptance?.valid === true });
  }
  const recent = choicesOf(source)
    .sprints.filter((s) => s.state !== 'future')
    .slice(0, limit);
  return recent.reverse().map((sprint) => {
    let done = 0;
    let accepted = 0;
    for (const story of source.stories) {
      if (!story.sprints.some((s) => s.id === sprint.id)) continue;
      const d = doneOf.get(story.key);
      if (!d?.done) continue;
      done++;
      if (d.valid) accepted++;
    }
    return { ...sprint, doneStories: done, doneStoriesAccepted: done === 0 ? null : accepted / done };
  });
}
