/**
 * The admin and project-settings forms' model: the stored configuration turned into editable
 * rows and back. Pure, so validation and round-trips are unit-tested. Validation itself is the
 * contract's zod schema; this module only maps its paths onto form sections.
 */
import type { PopmConfig, ProjectOverride, RuleId, Severity, SiteMeta } from '../../../src/shared/contract';
import { LEVELS, RULE_IDS, ROLE_LEVELS, type Level, type RoleLevel } from '../../../src/domain/types';
import { configSchema, projectOverrideSchema } from '../../../src/shared/contract';
import { formatPath } from '../../../src/domain/config';
import { enabledByDefault } from '../../../src/domain/rules';
import { oneOf } from './guards';

export interface Pair {
  key: string;
  value: string;
}

export interface RoleForm {
  fields: string[];
  teamOwners: Pair[];
  projectDefaults: Pair[];
}

export interface RuleForm {
  enabled: boolean;
  severity: Severity | '';
}

export interface ConfigForm {
  /** Issue type id -> chosen level, '' = default from the hierarchy level. */
  levels: Record<string, Level | ''>;
  /** Mappings for issue types this site does not have (kept, so saving never drops them). */
  otherLevels: Record<string, Level>;
  roles: Record<RoleLevel, RoleForm>;
  teamField: string;
  acceptanceCriteriaField: string;
  /** Owner account and the accounts that may accept on their behalf. */
  delegates: DelegateRow[];
  rules: Record<RuleId, RuleForm>;
  /** The daily digest: the threshold as typed, so a bad entry is shown and named, not lost. */
  digest: { enabled: boolean; thresholdDays: string };
  /** Project overrides are edited on each project's settings page; carried through untouched. */
  projects: PopmConfig['projects'];
}

export interface DelegateRow {
  owner: string;
  delegates: string[];
}

export interface OverrideForm {
  roles: Record<RoleLevel, RoleForm>;
  delegates: string[];
  rules: Record<RuleId, RuleForm>;
}

export type FieldErrors = { path: string; message: string }[];

const pairs = (r: Record<string, string> | undefined): Pair[] =>
  Object.entries(r ?? {}).map(([key, value]) => ({ key, value }));

function roleForm(
  r:
    | { fields?: string[]; teamOwners?: Record<string, string>; projectDefaults?: Record<string, string> }
    | undefined,
): RoleForm {
  return {
    fields: [...(r?.fields ?? [])],
    teamOwners: pairs(r?.teamOwners),
    projectDefaults: pairs(r?.projectDefaults),
  };
}

function rulesForm(
  rules: Partial<Record<RuleId, { enabled?: boolean; severity?: Severity }>> | undefined,
): Record<RuleId, RuleForm> {
  const out = {} as Record<RuleId, RuleForm>;
  for (const id of RULE_IDS) {
    const s = rules?.[id];
    out[id] = { enabled: s?.enabled ?? enabledByDefault(id), severity: s?.severity ?? '' };
  }
  return out;
}

/** The level configured for one issue type: by id first, then by case-insensitive name. */
export function configuredLevel(
  levels: Record<string, Level>,
  type: { id: string; name: string },
): Level | '' {
  if (levels[type.id]) return levels[type.id] ?? '';
  const byName = Object.entries(levels).find(([k]) => k.toLowerCase() === type.name.toLowerCase());
  return byName ? byName[1] : '';
}

/** The default mapping from Jira's hierarchy level (rules.md). */
export function defaultLevel(hierarchyLevel: number, subtask: boolean): Level {
  if (subtask || hierarchyLevel < 0) return 'subtask';
  if (hierarchyLevel >= 2) return 'portfolio';
  return hierarchyLevel === 1 ? 'program' : 'team';
}

export function toForm(config: PopmConfig, site: SiteMeta): ConfigForm {
  const levels: Record<string, Level | ''> = {};
  const claimed = new Set<string>();
  for (const t of site.issueTypes) {
    levels[t.id] = configuredLevel(config.levels, t);
    for (const k of Object.keys(config.levels))
      if (k === t.id || k.toLowerCase() === t.name.toLowerCase()) claimed.add(k);
  }
  const otherLevels: Record<string, Level> = {};
  for (const [k, v] of Object.entries(config.levels)) if (!claimed.has(k)) otherLevels[k] = v;
  const roles = {} as Record<RoleLevel, RoleForm>;
  for (const l of ROLE_LEVELS) roles[l] = roleForm(config.roles[l]);
  return {
    levels,
    otherLevels,
    roles,
    teamField: config.teamField ?? '',
    acceptanceCriteriaField: config.acceptanceCriteriaField ?? '',
    delegates: Object.entries(config.delegates).map(([owner, d]) => ({ owner, delegates: [...d] })),
    rules: rulesForm(config.rules),
    digest: { enabled: config.digest.enabled, thresholdDays: String(config.digest.thresholdDays) },
    projects: config.projects,
  };
}

function recordOf(ps: Pair[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of ps) if (p.key.trim() !== '' || p.value.trim() !== '') out[p.key.trim()] = p.value.trim();
  return out;
}

function roleOut(r: RoleForm): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (r.fields.length) out.fields = r.fields;
  const t = recordOf(r.teamOwners);
  if (Object.keys(t).length) out.teamOwners = t;
  const p = recordOf(r.projectDefaults);
  if (Object.keys(p).length) out.projectDefaults = p;
  return Object.keys(out).length ? out : undefined;
}

function rulesOut(rules: Record<RuleId, RuleForm>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const id of RULE_IDS) {
    const r = rules[id];
    const s: Record<string, unknown> = {};
    if (r.enabled !== enabledByDefault(id)) s.enabled = r.enabled;
    if (r.severity) s.severity = r.severity;
    if (Object.keys(s).length) out[id] = s;
  }
  return out;
}

function rolesOut(roles: Record<RoleLevel, RoleForm>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const l of ROLE_LEVELS) {
    const r = roleOut(roles[l]);
    if (r) out[l] = r;
  }
  return out;
}

/** The form as an (unvalidated) configuration object, ready for the schema. */
export function fromForm(form: ConfigForm): unknown {
  const levels: Record<string, string> = { ...form.otherLevels };
  for (const [id, l] of Object.entries(form.levels)) if (l) levels[id] = l;
  const delegates: Record<string, string[]> = {};
  for (const row of form.delegates)
    if (row.owner || row.delegates.length) delegates[row.owner] = [...new Set(row.delegates)];
  const out: Record<string, unknown> = {
    version: 1,
    levels,
    roles: rolesOut(form.roles),
    delegates,
    rules: rulesOut(form.rules),
    digest: {
      enabled: form.digest.enabled,
      // Not a number (or empty) stays one, so the schema names digest.thresholdDays.
      thresholdDays: form.digest.thresholdDays.trim() === '' ? NaN : Number(form.digest.thresholdDays),
    },
    projects: form.projects,
  };
  if (form.teamField) out.teamField = form.teamField;
  if (form.acceptanceCriteriaField) out.acceptanceCriteriaField = form.acceptanceCriteriaField;
  return out;
}

export function toOverrideForm(o: ProjectOverride): OverrideForm {
  const roles = {} as Record<RoleLevel, RoleForm>;
  for (const l of ROLE_LEVELS) roles[l] = roleForm(o.roles?.[l]);
  return { roles, delegates: [...(o.delegates ?? [])], rules: rulesForm(o.rules) };
}

export function fromOverrideForm(form: OverrideForm): unknown {
  const out: Record<string, unknown> = {};
  const roles = rolesOut(form.roles);
  if (Object.keys(roles).length) out.roles = roles;
  if (form.delegates.length) out.delegates = [...new Set(form.delegates)];
  const rules = rulesOut(form.rules);
  if (Object.keys(rules).length) out.rules = rules;
  return out;
}

export function validateConfig(
  candidate: unknown,
): { ok: true; config: PopmConfig } | { ok: false; errors: FieldErrors } {
  const r = configSchema.safeParse(candidate);
  if (r.success) return { ok: true, config: r.data };
  return { ok: false, errors: r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
}

export function validateOverride(
  candidate: unknown,
): { ok: true; override: ProjectOverride } | { ok: false; errors: FieldErrors } {
  const r = projectOverrideSchema.safeParse(candidate);
  if (r.success) return { ok: true, override: r.data };
  return { ok: false, errors: r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
}

/** Errors at `prefix` or below it (`roles.team` matches `roles.team.fields[0]`). */
export function errorsUnder(errors: FieldErrors, prefix: string): FieldErrors {
  return errors.filter(
    (e) => e.path === prefix || e.path.startsWith(`${prefix}.`) || e.path.startsWith(`${prefix}[`),
  );
}

export function levelOrEmpty(v: string): Level | '' {
  return oneOf(LEVELS, v) ?? '';
}
