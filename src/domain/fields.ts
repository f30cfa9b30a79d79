/**
 * Which Jira fields hold what: role fields (discovered by name unless configured), the team field
 * and the Acceptance Criteria field; and the exact list of fields a scan must request.
 */
import * as z from 'zod';
import { effectiveConfig, type EffectiveConfig, type PopmConfig } from './config';
import { FIX_VERSIONS_FIELD, sprintFieldId } from './scope';
import { ROLE_LEVELS, ROLE_NAMES, type FieldInfo, type RoleLevel } from './types';

/** A field as stored by the app (cached field lists, stored trees): what `FieldInfo` holds. */
export const fieldInfoSchema: z.ZodType<FieldInfo> = z.object({
  id: z.string(),
  name: z.string(),
  schema: z
    .object({ type: z.string(), items: z.string().optional(), custom: z.string().optional() })
    .optional(),
});

/** System fields the engine reads on every issue. */
export const SYSTEM_FIELDS = [
  'summary',
  'project',
  'issuetype',
  'parent',
  'status',
  'statuscategorychangedate',
  'description',
  'assignee',
] as const;

export const ACCEPTANCE_CRITERIA_FIELD_NAME = 'Acceptance Criteria';

const sameName = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * A single or multi user picker. A field without a schema is given the benefit of the doubt: the
 * name matched, and refusing it would silently turn every owner into "missing".
 */
export function isUserField(field: FieldInfo): boolean {
  if (!field.schema) return true;
  const { type, items } = field.schema;
  return type === 'user' || (type === 'array' && items === 'user');
}

/** Custom user fields named after each role (rules.md), in site order; several may share a name. */
export function discoverRoleFields(fields: readonly FieldInfo[]): Record<RoleLevel, string[]> {
  const found: Record<RoleLevel, string[]> = { portfolio: [], program: [], team: [] };
  for (const field of fields) {
    if (!isUserField(field)) continue;
    for (const level of ROLE_LEVELS) {
      if (sameName(field.name, ROLE_NAMES[level])) found[level].push(field.id);
    }
  }
  return found;
}

/** The field named "Acceptance Criteria", if the site has one. */
export function discoverAcceptanceCriteriaField(fields: readonly FieldInfo[]): string | undefined {
  return fields.find((f) => sameName(f.name, ACCEPTANCE_CRITERIA_FIELD_NAME))?.id;
}

/** Role fields in force for one level under one project's effective configuration. */
export function roleFieldIds(
  level: RoleLevel,
  config: Pick<EffectiveConfig, 'roles'>,
  discovered: Record<RoleLevel, string[]>,
): string[] {
  return config.roles[level]?.fields ?? discovered[level];
}

export function acceptanceCriteriaFieldId(
  config: Pick<EffectiveConfig, 'acceptanceCriteriaField'>,
  fields: readonly FieldInfo[],
): string | undefined {
  return config.acceptanceCriteriaField ?? discoverAcceptanceCriteriaField(fields);
}

/**
 * Exactly the Jira field ids a scan must request for the engine to evaluate any project of the
 * site: the system fields, the role fields of every level (site-wide and every project override),
 * the team field, the Acceptance Criteria field, and the Sprint field and fix versions that scopes
 * read. Asking for no more keeps pages small.
 */
export function neededFieldIds(fields: FieldInfo[], config: PopmConfig): string[] {
  const ids = new Set<string>(SYSTEM_FIELDS);
  const discovered = discoverRoleFields(fields);
  for (const level of ROLE_LEVELS) {
    for (const id of config.roles[level]?.fields ?? discovered[level]) ids.add(id);
    for (const override of Object.values(config.projects)) {
      for (const id of override.roles?.[level]?.fields ?? []) ids.add(id);
    }
  }
  if (config.teamField) ids.add(config.teamField);
  const ac = acceptanceCriteriaFieldId(config, fields);
  if (ac) ids.add(ac);
  // Scope within a project (sprint, fix version) is read from the same scan: no extra requests.
  const sprint = sprintFieldId(fields);
  if (sprint) ids.add(sprint);
  ids.add(FIX_VERSIONS_FIELD);
  return [...ids];
}

/** The user field that holds (and setOwner writes) the owner of a level in a project. */
export function roleFieldOf(
  fields: readonly FieldInfo[],
  config: PopmConfig,
  projectKey: string,
  level: RoleLevel,
): FieldInfo | undefined {
  const id = roleFieldIds(level, effectiveConfig(config, projectKey), discoverRoleFields(fields))[0];
  return id === undefined ? undefined : fields.find((f) => f.id === id);
}
