/**
 * The one configuration schema: used by the CLI (`--config FILE`), the admin page and the project
 * settings page. Validated at runtime everywhere it enters (file, resolver payload, storage read),
 * so a bad value is refused with a message naming its path instead of silently changing findings.
 */
import { z } from 'zod';
import {
  LEVELS,
  RULE_IDS,
  SEVERITIES,
  type Level,
  type RoleLevel,
  type RuleId,
  type Severity,
} from './types';

export const CONFIG_VERSION = 1;

const accountId = z.string().min(1).max(128);
const fieldId = z
  .string()
  .regex(
    /^(customfield_\d{1,10}|[a-z][a-zA-Z0-9]{0,40})$/,
    'must be a Jira field id such as customfield_10101',
  );
const projectKey = z.string().regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'must be a Jira project key such as ART');

export const roleConfigSchema = z
  .object({
    /** User fields to read owners from, first non-empty wins. Missing = discover by name. */
    fields: z.array(fieldId).max(10).optional(),
    /** Team field value -> owner account, used when no field holds an owner. */
    teamOwners: z.record(z.string().min(1).max(255), accountId).optional(),
    /** Project key -> default owner account, used when neither field nor team gives one. */
    projectDefaults: z.record(projectKey, accountId).optional(),
  })
  .strict();

const ruleSettingSchema = z
  .object({
    enabled: z.boolean().optional(),
    severity: z.enum(SEVERITIES).optional(),
  })
  .strict();

const rulesSchema = z.partialRecord(z.enum(RULE_IDS), ruleSettingSchema);

/** What a project may override: rules, roles and delegates. Levels and the team field are site-wide. */
export const projectOverrideSchema = z
  .object({
    roles: z
      .object({ portfolio: roleConfigSchema, program: roleConfigSchema, team: roleConfigSchema })
      .partial()
      .strict()
      .optional(),
    delegates: z.array(accountId).max(50).optional(),
    rules: rulesSchema.optional(),
  })
  .strict();

export const configSchema = z
  .object({
    version: z.literal(CONFIG_VERSION),
    /** Explicit level per issue type, keyed by issue type id or (case-insensitive) name. */
    levels: z.record(z.string().min(1).max(255), z.enum(LEVELS)).default({}),
    roles: z
      .object({ portfolio: roleConfigSchema, program: roleConfigSchema, team: roleConfigSchema })
      .partial()
      .strict()
      .default({}),
    /** Field holding a story's team (Atlassian team, select, label-like text...). */
    teamField: fieldId.optional(),
    /** Field holding acceptance criteria; missing = discover the field named "Acceptance Criteria". */
    acceptanceCriteriaField: fieldId.optional(),
    /** Owner account -> accounts that may accept on the owner's behalf. */
    delegates: z.record(accountId, z.array(accountId).max(50)).default({}),
    rules: rulesSchema.default({}),
    /** Per-project overrides, keyed by project key. */
    projects: z.record(projectKey, projectOverrideSchema).default({}),
  })
  .strict();

export type RoleConfig = z.infer<typeof roleConfigSchema>;
export type ProjectOverride = z.infer<typeof projectOverrideSchema>;
export type PopmConfig = z.infer<typeof configSchema>;
export type RuleSettings = Partial<Record<RuleId, { enabled?: boolean; severity?: Severity }>>;

export const DEFAULT_CONFIG: PopmConfig = configSchema.parse({ version: CONFIG_VERSION });

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** `a.b[2].c` style path, the same way snapshot errors name their paths. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Parses untrusted configuration; throws `ConfigError` naming every bad path. */
export function parseConfig(input: unknown): PopmConfig {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  throw new ConfigError(`invalid configuration: ${summary}`, issues);
}

export function parseProjectOverride(input: unknown): ProjectOverride {
  const result = projectOverrideSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  throw new ConfigError(`invalid project settings: ${summary}`, issues);
}

/** The settings that apply to one project: site-wide values with that project's overrides on top. */
export interface EffectiveConfig {
  levels: Record<string, Level>;
  roles: Partial<Record<RoleLevel, RoleConfig>>;
  teamField?: string;
  acceptanceCriteriaField?: string;
  /** Owner -> delegates, plus project-wide delegates under the key `*`. */
  delegates: Record<string, string[]>;
  rules: RuleSettings;
}

export function effectiveConfig(config: PopmConfig, projectKey: string | undefined): EffectiveConfig {
  const override = projectKey ? config.projects[projectKey] : undefined;
  const roles: Partial<Record<RoleLevel, RoleConfig>> = { ...config.roles };
  for (const level of ['portfolio', 'program', 'team'] as const) {
    const o = override?.roles?.[level];
    if (o) roles[level] = { ...roles[level], ...o };
  }
  const delegates: Record<string, string[]> = { ...config.delegates };
  if (override?.delegates?.length) delegates['*'] = [...override.delegates];
  return {
    levels: config.levels,
    roles,
    teamField: config.teamField,
    acceptanceCriteriaField: config.acceptanceCriteriaField,
    delegates,
    rules: mergeRuleSettings(config.rules, override?.rules),
  };
}

/**
 * Per rule, a project's setting overrides the site's field by field: a project that only lowers a
 * rule's severity keeps the site's switch for it (and vice versa).
 */
export function mergeRuleSettings(site: RuleSettings, project: RuleSettings | undefined): RuleSettings {
  const merged: RuleSettings = { ...site };
  if (!project) return merged;
  for (const rule of RULE_IDS) {
    const o = project[rule];
    if (o) merged[rule] = { ...site[rule], ...o };
  }
  return merged;
}
