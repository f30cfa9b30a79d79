/**
 * The one configuration schema: used by the CLI (`--config FILE`), the admin page and the project
 * settings page. Validated at runtime everywhere it enters (file, resolver payload, storage read),
 * so a bad value is refused with a message naming its path instead of silently changing findings.
 */
import * as z from 'zod';
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

/**
 * Bounds of every map and list, so each stored piece stays well under Forge's 240 KiB per kvs
 * value: the site-wide settings are one value, each project's overrides another. Counts are far
 * above what a real site needs; the byte caps are the final guarantee whatever the strings hold.
 */
export const CONFIG_LIMITS = {
  levels: 200,
  roleFields: 10,
  teamOwners: 300,
  projectDefaults: 300,
  delegateOwners: 300,
  delegatesPerOwner: 50,
  /** Projects with overrides of their own. */
  projects: 300,
  /** Serialised size of the site-wide settings (everything but `projects`). */
  siteBytes: 128 * 1024,
  /** Serialised size of one project's overrides. */
  projectBytes: 64 * 1024,
} as const;

function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

const kib = (bytes: number) => `${Math.ceil(bytes / 1024)} KiB`;
const accountId = z.string().min(1).max(128);
const fieldId = z
  .string()
  .regex(
    /^(customfield_\d{1,10}|[a-z][a-zA-Z0-9]{0,40})$/,
    'must be a Jira field id such as customfield_10101',
  );
const projectKey = z.string().regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'must be a Jira project key such as ART');

/** A record of at most `max` entries, refused with a message naming the limit. */
function boundedRecord<K extends z.ZodType<string, string>, V extends z.ZodType>(
  key: K,
  value: V,
  max: number,
  what: string,
) {
  return z.record(key, value).check((ctx) => {
    const n = Object.keys(ctx.value).length;
    if (n > max) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `${n} ${what}; at most ${max} are allowed`,
      });
    }
  });
}

export const roleConfigSchema = z
  .object({
    /** User fields to read owners from, first non-empty wins. Missing = discover by name. */
    fields: z.array(fieldId).max(CONFIG_LIMITS.roleFields).optional(),
    /** Team field value -> owner account, used when no field holds an owner. */
    teamOwners: boundedRecord(
      z.string().min(1).max(255),
      accountId,
      CONFIG_LIMITS.teamOwners,
      'team owners',
    ).optional(),
    /** Project key -> default owner account, used when neither field nor team gives one. */
    projectDefaults: boundedRecord(
      projectKey,
      accountId,
      CONFIG_LIMITS.projectDefaults,
      'project defaults',
    ).optional(),
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
    delegates: z
      .array(accountId)
      .max(
        CONFIG_LIMITS.delegatesPerOwner,
        `at most ${CONFIG_LIMITS.delegatesPerOwner} delegates are allowed`,
      )
      .optional(),
    rules: rulesSchema.optional(),
  })
  .strict()
  .check((ctx) => {
    const bytes = jsonBytes(ctx.value);
    if (bytes > CONFIG_LIMITS.projectBytes) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `these project settings take ${kib(bytes)}; at most ${kib(CONFIG_LIMITS.projectBytes)} are stored per project`,
      });
    }
  });

/**
 * The daily digest to Product Owners (issue 12): off unless an administrator switches it on. The
 * threshold is whole days a story must have waited; the bounds keep it meaningful (a digest about
 * stories waiting under a day would just repeat the queue; beyond 90 days it would never fire).
 */
export const DIGEST_THRESHOLD_DAYS = { min: 1, max: 90, default: 2 } as const;

export const digestConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    thresholdDays: z
      .number()
      .int('must be a whole number of days')
      .min(DIGEST_THRESHOLD_DAYS.min, `must be at least ${DIGEST_THRESHOLD_DAYS.min} day`)
      .max(DIGEST_THRESHOLD_DAYS.max, `must be at most ${DIGEST_THRESHOLD_DAYS.max} days`)
      .default(DIGEST_THRESHOLD_DAYS.default),
  })
  .strict();

export const configSchema = z
  .object({
    version: z.literal(CONFIG_VERSION),
    /** Explicit level per issue type, keyed by issue type id or (case-insensitive) name. */
    levels: boundedRecord(
      z.string().min(1).max(255),
      z.enum(LEVELS),
      CONFIG_LIMITS.levels,
      'issue type levels',
    ).default({}),
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
    delegates: boundedRecord(
      accountId,
      z
        .array(accountId)
        .max(
          CONFIG_LIMITS.delegatesPerOwner,
          `at most ${CONFIG_LIMITS.delegatesPerOwner} delegates are allowed`,
        ),
      CONFIG_LIMITS.delegateOwners,
      'owners with delegates',
    ).default({}),
    rules: rulesSchema.default({}),
    /** Stored configurations from before the digest parse to "off, 2 days": nothing is lost. */
    digest: digestConfigSchema.default({ enabled: false, thresholdDays: DIGEST_THRESHOLD_DAYS.default }),
    /** Per-project overrides, keyed by project key; stored apart from the rest, one value each. */
    projects: boundedRecord(
      projectKey,
      projectOverrideSchema,
      CONFIG_LIMITS.projects,
      'projects with settings',
    ).default({}),
  })
  .strict()
  .check((ctx) => {
    const { projects: _projects, ...site } = ctx.value;
    const bytes = jsonBytes(site);
    if (bytes > CONFIG_LIMITS.siteBytes) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `the site-wide settings take ${kib(bytes)}; at most ${kib(CONFIG_LIMITS.siteBytes)} are stored`,
      });
    }
  });

export type RoleConfig = z.infer<typeof roleConfigSchema>;
export type ProjectOverride = z.infer<typeof projectOverrideSchema>;
export type PopmConfig = z.infer<typeof configSchema>;
export type DigestConfig = z.infer<typeof digestConfigSchema>;
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

/** Details kept in a ConfigError: a hostile value can fail thousands of ways; the first few tell. */
export const MAX_CONFIG_ISSUES = 20;
const MAX_ISSUE_MESSAGE = 200;

/** A ConfigError with at most MAX_CONFIG_ISSUES details, the message naming the first three. */
export function configErrorFrom(
  what: string,
  issues: readonly { path: string; message: string }[],
): ConfigError {
  const clip = (t: string) => (t.length > MAX_ISSUE_MESSAGE ? `${t.slice(0, MAX_ISSUE_MESSAGE - 1)}…` : t);
  const kept = issues.slice(0, MAX_CONFIG_ISSUES).map((i) => ({ path: i.path, message: clip(i.message) }));
  const shown = kept.slice(0, 3).map((i) => `${i.path || '(root)'}: ${i.message}`);
  const more = issues.length - shown.length;
  return new ConfigError(`${what}: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`, kept);
}

/** Parses untrusted configuration; throws `ConfigError` naming the bad paths. */
export function parseConfig(input: unknown): PopmConfig {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  throw configErrorFrom(
    'invalid configuration',
    result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
  );
}

export function parseProjectOverride(input: unknown): ProjectOverride {
  const result = projectOverrideSchema.safeParse(input);
  if (result.success) return result.data;
  throw configErrorFrom(
    'invalid project settings',
    result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
  );
}

/** An account a configuration names, and where: so a check can name the setting that is wrong. */
export interface NamedAccount {
  accountId: string;
  path: string;
}

/**
 * Every account named by site settings or a project's override: team and project fallback owners,
 * delegates and the owners they stand for. Project overrides inside the site value are left out:
 * they are edited, and checked, on each project's own settings page.
 */
export function namedAccounts(c: {
  roles?: Partial<Record<RoleLevel, RoleConfig>>;
  delegates?: Record<string, string[]> | string[];
}): NamedAccount[] {
  const out: NamedAccount[] = [];
  for (const [level, role] of Object.entries(c.roles ?? {})) {
    for (const [team, id] of Object.entries(role.teamOwners ?? {}))
      out.push({ accountId: id, path: `roles.${level}.teamOwners.${team}` });
    for (const [project, id] of Object.entries(role.projectDefaults ?? {}))
      out.push({ accountId: id, path: `roles.${level}.projectDefaults.${project}` });
  }
  const d = c.delegates ?? [];
  if (Array.isArray(d)) d.forEach((id, i) => out.push({ accountId: id, path: `delegates[${i}]` }));
  else
    for (const [owner, ids] of Object.entries(d)) {
      out.push({ accountId: owner, path: `delegates.${owner}` });
      ids.forEach((id, i) => out.push({ accountId: id, path: `delegates.${owner}[${i}]` }));
    }
  return out;
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
