/**
 * From the engine's result to snapshot rows, and the acceptance sources an evaluation can use.
 * Shared by the scan job and incremental updates so both produce identical rows.
 */
import type { PopmConfig } from '../domain/config';
import { evaluate, type EvaluateOptions } from '../domain/engine';
import { z } from 'zod';
import type {
  AuditResult,
  EvaluatedIssue,
  FieldInfo,
  IssueTypeInfo,
  JiraIssue,
  UserRef,
} from '../domain/types';
import { USER_BULK_MAX, type JiraApi } from '../jira/api';
import { issueSummary } from './views';
import type { TreeRow } from '../shared/contract';
import {
  ACCEPTANCE_PREFIX,
  engineValue,
  parseStoredAcceptance,
  type StoredAcceptance,
} from '../storage/acceptance-store';
import type { KeyValueStore } from '../storage/store';
import { FactReader, type Fact, type UserDirectory } from './compact';
import { fnv1a32 } from '../domain/hash';

/**
 * Where acceptance records come from. `property`: the popm.acceptance issue property (the CLI's
 * and the engine's default). `store`: the app's acceptance store, the truth on Forge.
 */
export type AcceptanceSource =
  { kind: 'property' } | { kind: 'store'; entries: ReadonlyMap<string, StoredAcceptance> };

/**
 * Every stored acceptance entry, by issue id, in one paged listing (kvs returns 100 per query), so
 * a 250,000-issue evaluation does not make one storage read per issue.
 */
export async function storeAcceptance(store: KeyValueStore): Promise<AcceptanceSource> {
  const entries = new Map<string, StoredAcceptance>();
  for (const { key, value } of await store.list(ACCEPTANCE_PREFIX)) {
    const read = parseStoredAcceptance(value);
    if (read.state === 'present') entries.set(key.slice(ACCEPTANCE_PREFIX.length), read.entry);
  }
  return { kind: 'store', entries };
}

/** Only the entries of the given issue ids (incremental updates: a handful of reads). */
export async function storeAcceptanceFor(
  store: KeyValueStore,
  issueIds: readonly string[],
): Promise<AcceptanceSource> {
  const entries = new Map<string, StoredAcceptance>();
  for (const id of issueIds) {
    const read = parseStoredAcceptance(await store.get(`${ACCEPTANCE_PREFIX}${id}`));
    if (read.state === 'present') entries.set(id, read.entry);
  }
  return { kind: 'store', entries };
}

function acceptanceOf(source: AcceptanceSource): EvaluateOptions['acceptanceOf'] {
  if (source.kind === 'property') return undefined;
  // The store is the truth: an issue without an entry has no acceptance, whatever its property says.
  return (issue) => engineValue(source.entries.get(issue.id));
}

export interface Evaluation {
  result: AuditResult;
  /** Rows with their facts, in the engine's order (parents before children). */
  entries: { row: TreeRow; fact: Fact }[];
}

const acceptorSchema = z.looseObject({ acceptedBy: z.string().min(1).max(128) });

function acceptorOf(fact: Fact, acceptance: AcceptanceSource): string | undefined {
  if (acceptance.kind === 'store') return acceptance.entries.get(fact.i)?.record?.acceptedBy;
  const parsed = acceptorSchema.safeParse(fact.a);
  return parsed.success ? parsed.data.acceptedBy : undefined;
}

/**
 * Marks each fact with who accepted it (`ab`) and puts the names of acceptors the directory does
 * not know into it: one GET /user/bulk per 200 of them, as `scanProject` does, so messages name
 * the person ("accepted by Mateusz Nowak") rather than print an account id. Returns the requests
 * made.
 */
export async function nameAcceptors(
  api: Pick<JiraApi, 'bulkUsers'>,
  facts: readonly Fact[],
  users: UserDirectory,
  acceptance: AcceptanceSource,
): Promise<number> {
  const missing = new Set<string>();
  for (const fact of facts) {
    const by = acceptorOf(fact, acceptance);
    if (by === undefined) {
      delete fact.ab;
      continue;
    }
    fact.ab = by;
    if (!Object.hasOwn(users, by)) missing.add(by);
  }
  if (missing.size === 0) return 0;
  const ids = [...missing].sort();
  for (const user of await api.bulkUsers(ids))
    users[user.accountId] = [user.displayName ?? null, user.active ?? null, user.avatarUrl ?? null];
  return Math.ceil(ids.length / USER_BULK_MAX);
}

/**
 * The engine's `site.users`: acceptors no user field of these facts names, from the directory
 * (what `scanProject` passes, so both paths name people the same way).
 */
function acceptorUsers(facts: readonly Fact[], users: UserDirectory): Record<string, UserRef> {
  const inFields = new Set<string>();
  for (const fact of facts)
    for (const value of Object.values(fact.u ?? {}))
      for (const id of Array.isArray(value) ? value : [value]) inFields.add(id);
  const out: Record<string, UserRef> = {};
  for (const fact of facts) {
    const by = fact.ab;
    if (by === undefined || inFields.has(by) || !Object.hasOwn(users, by)) continue;
    const [displayName, active, avatarUrl] = users[by]!;
    out[by] = {
      accountId: by,
      ...(displayName !== null ? { displayName } : {}),
      ...(active !== null ? { active } : {}),
      ...(avatarUrl !== null ? { avatarUrl } : {}),
    };
  }
  return out;
}

/** Evaluates facts (first occurrence of a key wins, as in the engine) and builds the rows. */
export function evaluateFacts(
  facts: readonly Fact[],
  users: UserDirectory,
  meta: { issueTypes: IssueTypeInfo[]; fields: FieldInfo[] },
  config: PopmConfig,
  projectKey: string,
  acceptance: AcceptanceSource,
): Evaluation {
  const reader = new FactReader(new Map(meta.issueTypes.map((t) => [t.id, t.name])));
  const factByKey = new Map<string, Fact>();
  const issues: JiraIssue[] = [];
  for (const fact of facts) {
    if (factByKey.has(fact.k)) continue;
    factByKey.set(fact.k, fact);
    issues.push(reader.issue(fact, users));
  }
  const lookup = acceptanceOf(acceptance);
  const named = acceptorUsers(facts, users);
  const result = evaluate(
    {
      issueTypes: meta.issueTypes,
      fields: meta.fields,
      issues,
      ...(Object.keys(named).length > 0 ? { users: named } : {}),
    },
    config,
    projectKey,
    lookup ? { acceptanceOf: lookup } : {},
  );
  const stored = acceptance.kind === 'store' ? acceptance.entries : undefined;
  const depth = new Map<string, number>();
  const entries: { row: TreeRow; fact: Fact }[] = new Array<{ row: TreeRow; fact: Fact }>(
    result.issues.length,
  );
  for (let k = 0; k < result.issues.length; k++) {
    const ev = result.issues[k]!;
    entries[k] = { row: treeRow(ev, stored?.get(ev.id), depth), fact: factByKey.get(ev.key)! };
  }
  return { result, entries };
}

/**
 * One row. Depth comes from the engine's order: a parent is always emitted before its children,
 * so its depth is known; an issue whose parent is not in the tree is at depth 0.
 */
export function treeRow(
  ev: EvaluatedIssue,
  stored: StoredAcceptance | undefined,
  depth: Map<string, number>,
): TreeRow {
  const parentDepth = ev.parentKey === null ? undefined : depth.get(ev.parentKey);
  const d = parentDepth === undefined ? 0 : parentDepth + 1;
  depth.set(ev.key, d);
  return { ...issueSummary(ev, stored), parentKey: ev.parentKey, depth: d, context: !ev.inScope };
}

/** A short fingerprint of the configuration, stored with a snapshot to notice it went out of date. */
export function configHash(config: PopmConfig): string {
  // The digest settings change no finding: switching it must not make every snapshot stale.
  const { digest: _digest, ...evaluated } = config;
  const s = JSON.stringify(evaluated);
  return fnv1a32(s).toString(36);
}
