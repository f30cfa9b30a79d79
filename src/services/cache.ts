/**
 * What keeps each user action's Jira cost small and fixed (Jira meters apps in points: about one
 * per request plus one per object returned):
 *
 * - `Invocation`: the configuration and the site's custom fields, loaded at most once per
 *   invocation. The fields also live in app storage for a few minutes, refreshed whenever an admin
 *   opens or saves the configuration (the moment new fields start to matter). Issue types are not
 *   needed here: every issue Jira returns embeds its type (id, name, hierarchyLevel, subtask) and
 *   the engine reads it from there.
 * - chain hints: the ancestor keys last seen above an issue, so its ancestors are fetched in one
 *   request with the issue instead of one request per level. Only a hint: the caller checks each
 *   fetched issue's `parent` and walks on where the hint is wrong.
 * - permission answers (`EDIT_ISSUES` per viewer and project) for a few minutes. They only decide
 *   whether the UI offers the owner picker; Jira checks the edit itself, as the user.
 * - issue views per issue and viewer for half a minute, computed once when the issue panel and the
 *   issue context ask at the same moment (`sharedView`).
 *
 * Every stored value is validated on read; anything unexpected is a miss, never an error.
 */
import { z } from 'zod';
import type { PopmConfig } from '../domain/config';
import type { FieldInfo, UserRef } from '../domain/types';
import type { JiraApi } from '../jira/api';
import type { IssueView } from '../shared/contract';
import type { StoredConfig } from '../storage/config-store';
import type { AppDeps } from '../platform/deps';
import { appApi, configStore, readCustomFields } from './site';
import { fieldInfoSchema } from '../domain/fields';

export const FIELDS_TTL_SECONDS = 5 * 60;
export const PERMISSION_TTL_SECONDS = 10 * 60;
export const VIEW_TTL_SECONDS = 30;
export const CHAIN_HINT_TTL_SECONDS = 7 * 24 * 3600;
export const PICKED_USERS_TTL_SECONDS = 10 * 60;
/** How long a second caller waits for the first one's view before computing it itself. */
const VIEW_WAIT_MS = 4_000;
const VIEW_POLL_MS = 100;
/** A stored field list above this is not cached (kvs values are at most 240 KiB). */
const MAX_CACHED_FIELDS_CHARS = 200_000;

export const cacheKeys = {
  fields: 'cache:fields',
  permission: (accountId: string, projectKey: string) => `cache:perm:${projectKey}:${accountId}`,
  chain: (issueKey: string) => `cache:chain:${issueKey}`,
  /** The people the viewer's owner picker last found. */
  picked: (accountId: string) => `cache:picked:${accountId}`,
  view: (issueKey: string, accountId: string) => `cache:view:${issueKey}:${accountId}`,
  /** Every viewer's view of one issue (the trailing colon keeps ORB-1 from matching ORB-12). */
  viewsOf: (issueKey: string) => `cache:view:${issueKey}:`,
};

const fieldsEntrySchema = z.object({ at: z.string(), fields: z.array(fieldInfoSchema) });
const permissionEntrySchema = z.object({ at: z.string(), editIssues: z.boolean() });
const chainEntrySchema = z.object({ up: z.array(z.string()).max(20) });
const pickedEntrySchema = z.object({
  at: z.string(),
  users: z
    .array(
      z.object({
        accountId: z.string(),
        displayName: z.string().optional(),
        active: z.boolean().optional(),
        avatarUrl: z.string().optional(),
      }),
    )
    .max(50),
});
const viewEntrySchema = z.union([
  z.object({ at: z.string(), revision: z.number(), view: z.looseObject({}) }),
  z.object({ at: z.string(), pending: z.string() }),
]);

function ageSeconds(at: string, now: Date): number {
  const t = Date.parse(at);
  return Number.isFinite(t) ? (now.getTime() - t) / 1000 : Number.POSITIVE_INFINITY;
}

function fresh(at: string, now: Date, ttlSeconds: number): boolean {
  const age = ageSeconds(at, now);
  // A timestamp from the future (clock skew between invocations) is trusted only briefly.
  return age < ttlSeconds && age > -ttlSeconds;
}

/** Stores a field list just read (an admin page load or save), so actions stop re-reading it. */
export async function rememberFields(deps: AppDeps, fields: readonly FieldInfo[]): Promise<void> {
  const entry = { at: deps.now().toISOString(), fields };
  if (JSON.stringify(entry).length > MAX_CACHED_FIELDS_CHARS) {
    deps.log?.('the site has too many custom fields to cache; each action reads them once', {
      fields: fields.length,
    });
    return;
  }
  await deps.store.set(cacheKeys.fields, entry, { ttlSeconds: FIELDS_TTL_SECONDS });
}

/** One invocation's view of the configuration and site metadata: each is loaded at most once. */
export class Invocation {
  private stored?: Promise<StoredConfig>;
  private fieldList?: Promise<FieldInfo[]>;

  constructor(readonly deps: AppDeps) {}

  /** The configuration in force (throws ConfigError when the stored one is corrupt). */
  storedConfig(): Promise<StoredConfig> {
    this.stored ??= configStore(this.deps).current();
    return this.stored;
  }

  async config(): Promise<PopmConfig> {
    return (await this.storedConfig()).config;
  }

  /** The site's custom fields: from storage when recent, else from Jira (as the app) and stored. */
  fields(): Promise<FieldInfo[]> {
    this.fieldList ??= this.loadFields();
    return this.fieldList;
  }

  private async loadFields(): Promise<FieldInfo[]> {
    const cached = fieldsEntrySchema.safeParse(await this.deps.store.get(cacheKeys.fields));
    if (cached.success && fresh(cached.data.at, this.deps.now(), FIELDS_TTL_SECONDS))
      return cached.data.fields.map(stripUndefined);
    // As the app: the list is shared by every user, so it must not depend on who read it first.
    const fields = await readCustomFields(appApi(this.deps));
    await rememberFields(this.deps, fields);
    return fields;
  }

  /** Whether the viewer may edit issues in the project, remembered for a few minutes. */
  async mayEditIssues(api: JiraApi, accountId: string, projectKey: string): Promise<boolean> {
    const key = cacheKeys.permission(accountId, projectKey);
    const cached = permissionEntrySchema.safeParse(await this.deps.store.get(key));
    if (cached.success && fresh(cached.data.at, this.deps.now(), PERMISSION_TTL_SECONDS))
      return cached.data.editIssues;
    const editIssues = (await api.getMyPermissions(['EDIT_ISSUES'], projectKey)).EDIT_ISSUES === true;
    await this.deps.store.set(
      key,
      { at: this.deps.now().toISOString(), editIssues },
      { ttlSeconds: PERMISSION_TTL_SECONDS },
    );
    return editIssues;
  }

  /** The ancestor keys last seen above an issue, nearest first (empty when unknown). */
  async chainHint(issueKey: string): Promise<string[]> {
    const parsed = chainEntrySchema.safeParse(await this.deps.store.get(cacheKeys.chain(issueKey)));
    return parsed.success ? parsed.data.up : [];
  }

  async rememberChain(issueKey: string, up: readonly string[]): Promise<void> {
    await this.deps.store.set(
      cacheKeys.chain(issueKey),
      { up: up.slice(0, 20) },
      { ttlSeconds: CHAIN_HINT_TTL_SECONDS },
    );
  }

  /**
   * The people the viewer's owner picker just found: setting one of them as owner then needs no
   * user lookup to show their name.
   */
  async rememberPicked(accountId: string, users: readonly UserRef[]): Promise<void> {
    await this.deps.store.set(
      cacheKeys.picked(accountId),
      { at: this.deps.now().toISOString(), users: users.slice(0, 50) },
      { ttlSeconds: PICKED_USERS_TTL_SECONDS },
    );
  }

  async picked(accountId: string): Promise<UserRef[]> {
    const parsed = pickedEntrySchema.safeParse(await this.deps.store.get(cacheKeys.picked(accountId)));
    if (!parsed.success || !fresh(parsed.data.at, this.deps.now(), PICKED_USERS_TTL_SECONDS)) return [];
    return parsed.data.users.map((u) => {
      const ref: UserRef = { accountId: u.accountId };
      if (u.displayName !== undefined) ref.displayName = u.displayName;
      if (u.active !== undefined) ref.active = u.active;
      if (u.avatarUrl !== undefined) ref.avatarUrl = u.avatarUrl;
      return ref;
    });
  }

  /**
   * The issue view of `issueKey` for `accountId`: a recent one if stored, else computed once. When
   * two surfaces ask at the same moment, the first claims the computation and the second waits for
   * its answer (and computes it itself if none arrives in a few seconds).
   */
  async sharedView(
    issueKey: string,
    accountId: string,
    compute: () => Promise<IssueView>,
  ): Promise<IssueView> {
    const { store } = this.deps;
    const key = cacheKeys.view(issueKey, accountId);
    const revision = (await this.storedConfig()).revision;
    const token = `${this.deps.now().toISOString()}-${Math.random().toString(36).slice(2)}`;
    // Set inside the callback: widened so TS does not narrow it to its initial `false`.
    let claimed = false as boolean;
    let found: IssueView | undefined;
    await store.update<unknown>(key, (current) => {
      claimed = false;
      found = undefined;
      const entry = viewEntrySchema.safeParse(current);
      const now = this.deps.now();
      if (entry.success && fresh(entry.data.at, now, VIEW_TTL_SECONDS)) {
        if ('view' in entry.data) {
          if (entry.data.revision === revision) {
            found = entry.data.view as unknown as IssueView;
            return current;
          }
        } else if (ageSeconds(entry.data.at, now) * 1000 < VIEW_WAIT_MS) {
          return current; // someone is computing it right now
        }
      }
      claimed = true;
      return { at: now.toISOString(), pending: token };
    });
    if (found) return found;
    if (!claimed) {
      for (let waited = 0; waited < VIEW_WAIT_MS; waited += VIEW_POLL_MS) {
        await new Promise((resolve) => setTimeout(resolve, VIEW_POLL_MS));
        const entry = viewEntrySchema.safeParse(await store.get(key));
        if (!entry.success) break;
        if ('view' in entry.data) {
          if (entry.data.revision === revision) return entry.data.view as unknown as IssueView;
          break;
        }
      }
    }
    try {
      const view = await compute();
      await this.rememberView(issueKey, accountId, view);
      return view;
    } catch (error) {
      // Let a waiting surface stop waiting and ask Jira itself rather than time out.
      if (claimed) await store.delete(key);
      throw error;
    }
  }

  async rememberView(issueKey: string, accountId: string, view: IssueView): Promise<void> {
    const revision = (await this.storedConfig()).revision;
    await this.deps.store.set(
      cacheKeys.view(issueKey, accountId),
      { at: this.deps.now().toISOString(), revision, view },
      { ttlSeconds: VIEW_TTL_SECONDS },
    );
  }

  /** Drops every viewer's stored view of these issues (after the app changed them). */
  async forgetViews(issueKeys: Iterable<string>): Promise<void> {
    const { store } = this.deps;
    for (const issueKey of new Set(issueKeys)) {
      for (const { key } of await store.list(cacheKeys.viewsOf(issueKey))) await store.delete(key);
    }
  }
}

function stripUndefined(field: z.infer<typeof fieldInfoSchema>): FieldInfo {
  const info: FieldInfo = { id: field.id, name: field.name };
  if (field.schema) {
    info.schema = { type: field.schema.type };
    if (field.schema.items !== undefined) info.schema.items = field.schema.items;
    if (field.schema.custom !== undefined) info.schema.custom = field.schema.custom;
  }
  return info;
}
