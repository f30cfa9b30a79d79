/**
 * The stored configuration: `{ schemaVersion, revision, config, updatedAt?, updatedBy? }` under one
 * key. Validated on write and on read. Older stored layouts are migrated on read (and written back
 * in the current layout on the next save). A stored value that fails validation is reported to the
 * caller with the paths that are wrong; it is replaced only by an explicit save that names its
 * revision, and the bad value is kept under a backup key first.
 */
import { z } from 'zod';
import { ConfigError, DEFAULT_CONFIG, formatPath, parseConfig, type PopmConfig } from '../domain/config';
import { isRecord } from '../domain/read';
import type { KeyValueStore } from './store';

export const CONFIG_KEY = 'config:global';
export const CONFIG_BACKUP_PREFIX = 'config:corrupt:';
/** Layout of the stored envelope (not the config's own `version`). */
export const STORED_CONFIG_SCHEMA_VERSION = 2;

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

export class ConfigStore {
  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async read(): Promise<StoredConfigRead> {
    const raw = await this.store.get(CONFIG_KEY);
    if (raw === undefined) {
      return {
        state: 'missing',
        stored: { schemaVersion: STORED_CONFIG_SCHEMA_VERSION, revision: 0, config: DEFAULT_CONFIG },
      };
    }
    try {
      const { stored, migratedFrom } = parseStoredConfig(raw);
      return migratedFrom === undefined ? { state: 'ok', stored } : { state: 'ok', stored, migratedFrom };
    } catch (error) {
      if (error instanceof ConfigError)
        return { state: 'corrupt', revision: revisionOf(raw), problem: error };
      throw error;
    }
  }

  /** The configuration in force; throws ConfigError when the stored one is corrupt. */
  async current(): Promise<StoredConfig> {
    const read = await this.read();
    if (read.state === 'corrupt') throw read.problem;
    return read.stored;
  }

  /**
   * Saves `input` (validated here, whatever the caller did) if the stored revision is still
   * `expectedRevision`. A corrupt stored value is backed up before it is replaced.
   */
  async save(
    input: unknown,
    expectedRevision: number,
    updatedBy: string,
    edit?: (current: PopmConfig) => PopmConfig,
  ): Promise<StoredConfig> {
    const validated = edit ? undefined : parseConfig(input);
    let backup: unknown;
    const at = this.now().toISOString();
    const written = await this.store.update<unknown>(CONFIG_KEY, (raw) => {
      backup = undefined;
      let currentRevision = 0;
      let currentConfig: PopmConfig = DEFAULT_CONFIG;
      if (raw !== undefined) {
        try {
          const { stored } = parseStoredConfig(raw);
          currentRevision = stored.revision;
          currentConfig = stored.config;
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          if (edit) throw error; // a partial edit cannot start from a corrupt value
          currentRevision = revisionOf(raw);
          backup = raw;
        }
      }
      if (currentRevision !== expectedRevision)
        throw new RevisionConflictError(expectedRevision, currentRevision);
      // Validate the result of an edit too: the stored value must always parse.
      const config = validated ?? parseConfig(edit ? edit(currentConfig) : input);
      const next: StoredConfig = {
        schemaVersion: STORED_CONFIG_SCHEMA_VERSION,
        revision: currentRevision + 1,
        config,
        updatedAt: at,
        updatedBy,
      };
      return next;
    });
    if (backup !== undefined) await this.store.set(`${CONFIG_BACKUP_PREFIX}${at}`, backup);
    return parseStoredConfig(written).stored;
  }
}
