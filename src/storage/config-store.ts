/**
 * The stored configuration, in pieces that each stay well under Forge's 240 KiB per kvs value:
 * - `config:global`: the site-wide settings `{ schemaVersion, revision, config, updatedAt?,
 *   updatedBy? }`, `config` without `projects`;
 * - `config:project:<KEY>`: one project's overrides `{ revision, override, updatedAt?, updatedBy? }`.
 * Every piece is validated on write and on read; the configuration in force is the site value
 * with every project's overrides under `projects`.
 *
 * Older site layouts are migrated on read. Layouts up to 2 held every project's overrides inside
 * the site value; those stay readable there (a project's own key wins) until the next save moves
 * each to its own key, key first, so a save cut short loses nothing.
 *
 * A stored value that fails validation is reported to the caller with the paths that are wrong;
 * it is replaced only by an explicit save that names its revision, and the bad value is kept
 * under a backup key first.
 *
 * Revisions: the site value's revision is the one the admin page sends back. A project save
 * checks its project's own revision and then bumps the site revision, so an admin who loaded the
 * whole configuration before a project admin's save gets CONFLICT rather than overwriting it;
 * project admins of different projects never conflict with each other.
 */
import { z } from 'zod';
import { requireBudget, type Deadline } from '../domain/deadline';
import {
  CONFIG_LIMITS,
  ConfigError,
  configErrorFrom,
  DEFAULT_CONFIG,
  formatPath,
  parseConfig,
  parseProjectOverride,
  type PopmConfig,
  type ProjectOverride,
} from '../domain/config';
import { isRecord } from '../domain/read';
import type { KeyValueStore } from './store';

export const CONFIG_KEY = 'config:global';
export const PROJECT_CONFIG_PREFIX = 'config:project:';
export const CONFIG_BACKUP_PREFIX = 'config:corrupt:';
/** Layout of the stored site envelope (not the config's own `version`). */
export const STORED_CONFIG_SCHEMA_VERSION = 3;

export function projectConfigKey(projectKey: string): string {
  return `${PROJECT_CONFIG_PREFIX}${projectKey}`;
}

/** Time a site save needs before it starts: the site write, then one write per changed project. */
const SAVE_BUDGET_MS = 3_000;
const PER_PROJECT_WRITE_MS = 300;

export interface StoredConfig {
  schemaVersion: number;
  revision: number;
  config: PopmConfig;
  updatedAt?: string;
  updatedBy?: string;
}

const envelopeSchema = z
  .object({
    schemaVersion: z.literal(STORED_CONFIG_SCHEMA_VERSION),
    revision: z.number().int().min(0),
    config: z.unknown(),
    updatedAt: z.string().optional(),
    updatedBy: z.string().optional(),
  })
  .strict();

export type StoredConfigRead =
  | { state: 'missing'; stored: StoredConfig }
  | { state: 'ok'; stored: StoredConfig; migratedFrom?: number }
  | { state: 'corrupt'; revision: number; problem: ConfigError };

/**
 * Stored layouts, oldest first. Each step turns layout n into layout n + 1.
 * - 0 (early builds): the bare PopmConfig, no envelope, no revision.
 * - 1: `{ schemaVersion: 1, revision, config }` whose `delegates` was a flat list of accounts that
 *   could accept for any owner; layout 2 keeps exactly that meaning under the owner key `*`, which
 *   `effectiveConfig` reads as "delegates of every owner".
 */
export const CONFIG_MIGRATIONS: Record<number, (value: Record<string, unknown>) => Record<string, unknown>> =
  {
    0: (bare) => ({ schemaVersion: 1, revision: 0, config: bare }),
    1: (v1) => {
      const config = isRecord(v1.config) ? { ...v1.config } : v1.config;
      if (isRecord(config) && Array.isArray(config.delegates)) config.delegates = { '*': config.delegates };
      return { ...v1, schemaVersion: 2, config };
    },
    // 3 moved project overrides to their own keys; a layout-2 value's `config.projects` is read
    // as it is (see ConfigStore) until a save moves it, so the step changes nothing else.
    2: (v2) => ({ ...v2, schemaVersion: 3 }),
  };

function layoutOf(raw: Record<string, unknown>): number {
  if (typeof raw.schemaVersion === 'number') return raw.schemaVersion;
  // A bare config carries its own `version` and no envelope.
  return 'version' in raw ? 0 : -1;
}

/** Brings any known stored layout to the current one; throws ConfigError for unknown layouts. */
export function migrateStoredConfig(raw: unknown): { value: unknown; from: number } {
  if (!isRecord(raw)) {
    throw new ConfigError('the stored configuration is not an object', [
      { path: '', message: 'expected an object' },
    ]);
  }
  const from = layoutOf(raw);
  if (from < 0 || from > STORED_CONFIG_SCHEMA_VERSION) {
    throw new ConfigError(`the stored configuration has an unknown layout ${String(raw.schemaVersion)}`, [
      { path: 'schemaVersion', message: `expected 0..${STORED_CONFIG_SCHEMA_VERSION}` },
    ]);
  }
  let value = raw;
  for (let v = from; v < STORED_CONFIG_SCHEMA_VERSION; v++) {
    const step = CONFIG_MIGRATIONS[v];
    if (!step) throw new Error(`no migration from stored config layout ${v}`);
    value = step(value);
  }
  return { value, from };
}

/** Validates a stored value (any layout); throws ConfigError naming every bad path. */
export function parseStoredConfig(raw: unknown): { stored: StoredConfig; migratedFrom?: number } {
  const { value, from } = migrateStoredConfig(raw);
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) {
    const issues = envelope.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
    throw new ConfigError(
      `the stored configuration envelope is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  let config: PopmConfig;
  try {
    config = parseConfig(envelope.data.config);
  } catch (error) {
    if (error instanceof ConfigError) {
      const issues = error.issues.map((i) => ({
        path: i.path ? `config.${i.path}` : 'config',
        message: i.message,
      }));
      throw new ConfigError(`the stored ${error.message}`, issues);
    }
    throw error;
  }
  const stored: StoredConfig = { ...envelope.data, config };
  return from === STORED_CONFIG_SCHEMA_VERSION ? { stored } : { stored, migratedFrom: from };
}

function revisionOf(raw: unknown): number {
  return isRecord(raw) &&
    typeof raw.revision === 'number' &&
    Number.isInteger(raw.revision) &&
    raw.revision >= 0
    ? raw.revision
    : 0;
}

/** Someone saved in between: the caller's revision is not the stored one. */
export class RevisionConflictError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(
      `the configuration was changed by someone else (revision ${actual}, you edited ${expected}); reload and retry`,
    );
    this.name = 'RevisionConflictError';
  }
}

const storedProjectSchema = z
  .object({
    revision: z.number().int().min(0),
    override: z.unknown(),
    updatedAt: z.string().optional(),
    updatedBy: z.string().optional(),
  })
  .strict();

export interface StoredProjectConfig {
  revision: number;
  override: ProjectOverride;
  updatedAt?: string;
  updatedBy?: string;
}

/** Validates one project's stored overrides; throws ConfigError naming the bad paths. */
export function parseStoredProject(projectKey: string, raw: unknown): StoredProjectConfig {
  const envelope = storedProjectSchema.safeParse(raw);
  const where = `projects.${projectKey}`;
  if (!envelope.success) {
    throw configErrorFrom(
      `the stored settings of project ${projectKey} are invalid`,
      envelope.error.issues.map((i) => ({
        path: [where, formatPath(i.path)].filter(Boolean).join('.'),
        message: i.message,
      })),
    );
  }
  try {
    return { ...envelope.data, override: parseProjectOverride(envelope.data.override) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw configErrorFrom(
      `the stored settings of project ${projectKey} are invalid`,
      error.issues.map((i) => ({ path: i.path ? `${where}.${i.path}` : where, message: i.message })),
    );
  }
}

/** What is stored now: the site value (raw and parsed) and each project's own record. */
interface StoredPieces {
  siteRaw: unknown;
  site: StoredConfig | undefined;
  siteProblem: ConfigError | undefined;
  migratedFrom: number | undefined;
  /** Project key -> raw record under its own key. */
  projectRaw: Map<string, unknown>;
}

function stripProjects(config: PopmConfig): PopmConfig {
  return { ...config, projects: {} };
}

/** The value written under CONFIG_KEY: the site settings only. */
function siteValue(config: PopmConfig, revision: number, at: string, by: string): Record<string, unknown> {
  const { projects: _projects, ...site } = config;
  return {
    schemaVersion: STORED_CONFIG_SCHEMA_VERSION,
    revision,
    config: site,
    updatedAt: at,
    updatedBy: by,
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class ConfigStore {
  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => Date = () => new Date(),
    private readonly deadline?: Deadline,
  ) {}

  private async pieces(): Promise<StoredPieces> {
    const [siteRaw, projects] = await Promise.all([
      this.store.get(CONFIG_KEY),
      this.store.list(PROJECT_CONFIG_PREFIX),
    ]);
    const projectRaw = new Map(projects.map((e) => [e.key.slice(PROJECT_CONFIG_PREFIX.length), e.value]));
    if (siteRaw === undefined) {
      return { siteRaw, site: undefined, siteProblem: undefined, migratedFrom: undefined, projectRaw };
    }
    try {
      const { stored, migratedFrom } = parseStoredConfig(siteRaw);
      return { siteRaw, site: stored, siteProblem: undefined, migratedFrom, projectRaw };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return { siteRaw, site: undefined, siteProblem: error, migratedFrom: undefined, projectRaw };
    }
  }

  async read(): Promise<StoredConfigRead> {
    const p = await this.pieces();
    if (p.siteProblem) return { state: 'corrupt', revision: revisionOf(p.siteRaw), problem: p.siteProblem };
    const site = p.site ?? {
      schemaVersion: STORED_CONFIG_SCHEMA_VERSION,
      revision: 0,
      config: DEFAULT_CONFIG,
    };
    // Overrides still inside a layout-2 site value, then each project's own key on top.
    const projects: PopmConfig['projects'] = { ...site.config.projects };
    const problems: { path: string; message: string }[] = [];
    for (const [key, raw] of p.projectRaw) {
      try {
        projects[key] = parseStoredProject(key, raw).override;
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(...error.issues);
      }
    }
    if (problems.length > 0) {
      return {
        state: 'corrupt',
        revision: site.revision,
        problem: configErrorFrom('the stored configuration has invalid project settings', problems),
      };
    }
    const stored: StoredConfig = { ...site, config: { ...site.config, projects } };
    if (p.site === undefined && p.projectRaw.size === 0) return { state: 'missing', stored };
    return p.migratedFrom === undefined
      ? { state: 'ok', stored }
      : { state: 'ok', stored, migratedFrom: p.migratedFrom };
  }

  /** The configuration in force; throws ConfigError when the stored one is corrupt. */
  async current(): Promise<StoredConfig> {
    const read = await this.read();
    if (read.state === 'corrupt') throw read.problem;
    return read.stored;
  }

  /** One project's overrides and their own revision ({} and 0 when it has none). */
  async readProject(projectKey: string): Promise<StoredProjectConfig> {
    const raw = await this.store.get(projectConfigKey(projectKey));
    if (raw !== undefined) return parseStoredProject(projectKey, raw);
    // Not moved out of a layout-2 site value yet, or none at all.
    const site = (await this.current()).config.projects[projectKey];
    return { revision: 0, override: site ?? {} };
  }

  /**
   * Saves the whole configuration `input` (validated here, whatever the caller did) if the site
   * revision is still `expectedRevision`: the site settings under CONFIG_KEY, then each project
   * whose overrides changed under its own key; projects missing from `input` lose theirs. A
   * corrupt stored value is backed up before it is replaced.
   */
  async save(input: unknown, expectedRevision: number, updatedBy: string): Promise<StoredConfig> {
    const config = parseConfig(input);
    const at = this.now().toISOString();
    await this.moveEmbeddedProjects(at);
    const before = await this.pieces();
    const writes = Object.entries(config.projects).filter(([key, override]) => {
      const raw = before.projectRaw.get(key);
      if (raw === undefined) return true;
      try {
        return !sameJson(parseStoredProject(key, raw).override, override);
      } catch {
        return true;
      }
    });
    const deletes = [...before.projectRaw.keys()].filter((key) => !(key in config.projects));
    // Finish or do not start: the site value and every project write belong together.
    requireBudget(
      this.deadline,
      SAVE_BUDGET_MS + PER_PROJECT_WRITE_MS * (writes.length + deletes.length),
      'save the configuration',
    );
    let backup: unknown;
    const written = await this.store.update<unknown>(CONFIG_KEY, (raw) => {
      backup = undefined;
      let currentRevision = 0;
      if (raw !== undefined) {
        try {
          currentRevision = parseStoredConfig(raw).stored.revision;
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          currentRevision = revisionOf(raw);
          backup = raw;
        }
      }
      if (currentRevision !== expectedRevision)
        throw new RevisionConflictError(expectedRevision, currentRevision);
      return siteValue(config, currentRevision + 1, at, updatedBy);
    });
    if (backup !== undefined) await this.store.set(`${CONFIG_BACKUP_PREFIX}${at}`, backup);
    for (const [key, override] of writes) {
      // The revision only grows (an unreadable record's is taken as it stands).
      await this.store.update<unknown>(projectConfigKey(key), (raw) => ({
        revision: revisionOf(raw) + 1,
        override,
        updatedAt: at,
        updatedBy,
      }));
    }
    for (const key of deletes) await this.store.delete(projectConfigKey(key));
    const site = parseStoredConfig(written).stored;
    return { ...site, config: { ...stripProjects(site.config), projects: config.projects } };
  }

  /**
   * Saves one project's overrides if that project's revision is still `expectedRevision`, then
   * bumps the site revision (see the file comment). The site value never grows with it.
   */
  async saveProject(
    projectKey: string,
    input: unknown,
    expectedRevision: number,
    updatedBy: string,
  ): Promise<StoredProjectConfig> {
    const override = parseProjectOverride(input);
    const at = this.now().toISOString();
    requireBudget(this.deadline, SAVE_BUDGET_MS * 2, `save the settings of project ${projectKey}`);
    const key = projectConfigKey(projectKey);
    const existing = await this.store.list(PROJECT_CONFIG_PREFIX);
    if (!existing.some((e) => e.key === key) && existing.length >= CONFIG_LIMITS.projects) {
      throw configErrorFrom('too many projects with settings', [
        {
          path: 'projects',
          message: `at most ${CONFIG_LIMITS.projects} projects may have settings of their own`,
        },
      ]);
    }
    // A project still inside a layout-2 site value counts as revision 0 until it has its own key.
    let backup: unknown;
    const written = await this.store.update<unknown>(key, (raw) => {
      backup = undefined;
      let revision = 0;
      if (raw !== undefined) {
        try {
          revision = parseStoredProject(projectKey, raw).revision;
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          revision = revisionOf(raw);
          backup = raw;
        }
      }
      if (revision !== expectedRevision) throw new RevisionConflictError(expectedRevision, revision);
      return { revision: revision + 1, override, updatedAt: at, updatedBy };
    });
    if (backup !== undefined) await this.store.set(`${CONFIG_BACKUP_PREFIX}${projectKey}:${at}`, backup);
    await this.bumpSiteRevision(at, updatedBy);
    return parseStoredProject(projectKey, written);
  }

  private async bumpSiteRevision(at: string, updatedBy: string): Promise<void> {
    await this.store.update<unknown>(CONFIG_KEY, (raw) => {
      if (raw === undefined) return siteValue(DEFAULT_CONFIG, 1, at, updatedBy);
      try {
        const { stored } = parseStoredConfig(raw);
        // Written back in the current layout; overrides still embedded stay until moved.
        const next = siteValue(stored.config, stored.revision + 1, at, updatedBy);
        const embedded = stored.config.projects;
        return Object.keys(embedded).length === 0
          ? next
          : { ...next, config: { ...(next.config as object), projects: embedded } };
      } catch (error) {
        // A corrupt site value is left for the admin's explicit save to replace.
        if (error instanceof ConfigError) return raw;
        throw error;
      }
    });
  }

  /**
   * Moves overrides still inside a layout-2 site value to their own keys: each key first (never
   * replacing one that exists), then the site value without them, revision unchanged. Cut short
   * anywhere, nothing is lost: what is not yet in a key is still in the site value.
   */
  private async moveEmbeddedProjects(at: string): Promise<void> {
    const raw = await this.store.get(CONFIG_KEY);
    if (raw === undefined) return;
    let embedded: PopmConfig['projects'];
    try {
      embedded = parseStoredConfig(raw).stored.config.projects;
    } catch (error) {
      if (error instanceof ConfigError) return;
      throw error;
    }
    const keys = Object.keys(embedded);
    if (keys.length === 0) return;
    for (const projectKey of keys) {
      await this.store.update<unknown>(projectConfigKey(projectKey), (current) =>
        current !== undefined ? current : { revision: 0, override: embedded[projectKey], updatedAt: at },
      );
    }
    await this.store.update<unknown>(CONFIG_KEY, (current) => {
      if (current === undefined) return current;
      try {
        const { stored } = parseStoredConfig(current);
        return {
          ...stored,
          config: (({ projects: _p, ...site }) => site)(stored.config),
          schemaVersion: STORED_CONFIG_SCHEMA_VERSION,
        };
      } catch (error) {
        if (error instanceof ConfigError) return current;
        throw error;
      }
    });
  }
}
