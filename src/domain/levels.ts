/**
 * Which SAFe level an issue type stands for (rules.md, "Level"). An admin's explicit mapping wins
 * because sites name and nest their types in many ways; otherwise Jira's own `hierarchyLevel` says.
 */
import type { IssueTypeInfo, Level } from './types';

/** Level implied by Jira's hierarchy alone. */
export function defaultLevel(type: Pick<IssueTypeInfo, 'hierarchyLevel' | 'subtask'>): Level {
  if (type.subtask || type.hierarchyLevel < 0) return 'subtask';
  if (type.hierarchyLevel >= 2) return 'portfolio';
  if (type.hierarchyLevel === 1) return 'program';
  return 'team';
}

/**
 * Level of one issue type. `levels` is keyed by issue type id or by name; names compare
 * case-insensitively because admins type them by hand. An id match beats a name match so that two
 * types sharing a name (team-managed projects) can still be told apart.
 */
export function levelOf(type: IssueTypeInfo, levels: Record<string, Level>): Level {
  const byId = Object.hasOwn(levels, type.id) ? levels[type.id] : undefined;
  if (byId) return byId;
  const wanted = type.name.trim().toLowerCase();
  for (const [key, level] of Object.entries(levels)) {
    if (key.trim().toLowerCase() === wanted) return level;
  }
  return defaultLevel(type);
}

/** Level per issue type id, computed once per evaluation so issues look theirs up in O(1). */
export function levelIndex(
  types: readonly IssueTypeInfo[],
  levels: Record<string, Level>,
): Map<string, Level> {
  const index = new Map<string, Level>();
  for (const type of types) index.set(type.id, levelOf(type, levels));
  return index;
}
