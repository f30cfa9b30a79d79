/**
 * Acceptance entries, keyed by issue id: the truth. The `popm.acceptance` issue property is only a
 * mirror. Entries are validated on read; a malformed stored entry is reported, not trusted.
 *
 * Decisions are append-only (rules.md, "Decisions"): nothing here rewrites or deletes one. The
 * entry keeps the newest decisions inline; once it holds ARCHIVE_AT of them, the oldest CHUNK go to
 * an immutable log chunk (`acceptance-log:<issueId>:<n>`), so no stored value grows past a few
 * tens of KiB however long a story's history gets (kvs values are capped at 240 KiB; a decision is
 * at most ~2.3 KB with a 2,000-character reason).
 *
 * Entries written before decisions existed carry only `record` and `history`; they are read as the
 * decisions they stand for and rewritten in the new shape on their next change, losing nothing.
 */
import { z } from 'zod';
import { acceptanceRecordSchema, decisionSchema, recordOf } from '../domain/acceptance';
import { MIRRORED_DECISIONS, type AcceptanceRecord, type Decision } from '../domain/types';
import type { KeyValueStore } from './store';

export const ACCEPTANCE_PREFIX = 'acceptance:';
export const DECISION_LOG_PREFIX = 'acceptance-log:';
/** Decisions per archived chunk. */
export const CHUNK = 20;
/** Inline decisions that trigger archiving the oldest CHUNK of them. */
export const ARCHIVE_AT = 40;

const legacyHistoryItem = z.object({
  action: z.enum(['accept', 'revoke', 'stale']),
  by: z.string().optional(),
  at: z.string(),
});

export const storedAcceptanceSchema = z
  .object({
    issueKey: z.string().min(1).max(300),
    /** The record the latest decision stands for (null after a rejection or revocation). */
    record: acceptanceRecordSchema.nullable(),
    /** Set by the issue-updated trigger the moment a story leaves done after acceptance. */
    staleSince: z.string().optional(),
    /** Bumped on every change, so callers (and the mirror) can tell which write won. */
    revision: z.number().int().min(0),
    /** Events that are not decisions (stale markers), and the pre-decision history of old entries. */
    history: z.array(legacyHistoryItem).max(50).default([]),
    /** The newest decisions, oldest first; absent on entries written before decisions existed. */
    decisions: z
      .array(decisionSchema)
      .max(ARCHIVE_AT + CHUNK)
      .optional(),
    /** How many older decisions live in log chunks (a multiple of CHUNK). */
    archived: z.number().int().min(0).multipleOf(CHUNK).default(0),
  })
  .strict();

export type StoredAcceptance = z.infer<typeof storedAcceptanceSchema>;

const chunkSchema = z.array(decisionSchema).length(CHUNK);

export type AcceptanceEntryRead =
  { state: 'absent' } | { state: 'present'; entry: StoredAcceptance } | { state: 'corrupt'; problem: string };

export function acceptanceKey(issueId: string): string {
  return `${ACCEPTANCE_PREFIX}${issueId}`;
}

export function decisionLogKey(issueId: string, chunk: number): string {
  return `${DECISION_LOG_PREFIX}${issueId}:${chunk}`;
}

export function parseStoredAcceptance(raw: unknown): AcceptanceEntryRead {
  if (raw === undefined || raw === null) return { state: 'absent' };
  const parsed = storedAcceptanceSchema.safeParse(raw);
  if (parsed.success) return { state: 'present', entry: parsed.data };
  return {
    state: 'corrupt',
    problem: parsed.error.issues
      .map((i) => `${i.path.map(String).join('.') || '(value)'}: ${i.message}`)
      .join('; '),
  };
}

/**
 * The inline decisions of an entry. An entry from before decisions existed is read as the
 * decisions its history and record stand for: each accept and revoke of its history in order, and
 * its record when the history does not end with it (entries adopted without history).
 */
export function decisionsOf(entry: StoredAcceptance | undefined): Decision[] {
  if (!entry) return [];
  if (entry.decisions !== undefined) return entry.decisions;
  const out: Decision[] = [];
  const record = entry.record;
  for (const h of entry.history) {
    if (!h.by || h.action === 'stale') continue;
    const isRecord = record !== null && h.action === 'accept' && h.at === record.acceptedAt;
    out.push({
      kind: h.action === 'accept' ? 'accepted' : 'revoked',
      by: h.by,
      at: h.at,
      // The old history kept no status; the record's own is known, the rest read as `done` (rules.md).
      statusCategory: isRecord ? (record.statusCategory ?? 'done') : 'done',
    });
  }
  const last = out[out.length - 1];
  if (
    record &&
    !(last?.kind === 'accepted' && last.at === record.acceptedAt && last.by === record.acceptedBy)
  ) {
    out.push({
      kind: 'accepted',
      by: record.acceptedBy,
      at: record.acceptedAt,
      statusCategory: record.statusCategory ?? 'done',
    });
  }
  return out;
}

/** What the engine reads for a stored entry: the record plus the decisions it knows. */
export function engineValue(
  entry: StoredAcceptance | undefined,
): (AcceptanceRecord & { decisions?: Decision[] }) | { decisions: Decision[] } | null {
  if (!entry) return null;
  const decisions = decisionsOf(entry);
  if (decisions.length === 0) return entry.record;
  return entry.record ? { ...entry.record, decisions } : { decisions };
}

/**
 * The `popm.acceptance` mirror of an entry (rules.md): the record's three fields, when there is a
 * record, plus the last 20 decisions; undefined when there is nothing to mirror.
 */
export function mirrorValue(entry: StoredAcceptance | undefined): Record<string, unknown> | undefined {
  if (!entry) return undefined;
  const decisions = decisionsOf(entry).slice(-MIRRORED_DECISIONS);
  const out: Record<string, unknown> = {};
  if (entry.record) {
    out.acceptedBy = entry.record.acceptedBy;
    out.acceptedAt = entry.record.acceptedAt;
    out.statusCategory = entry.record.statusCategory ?? 'done';
  }
  if (decisions.length > 0) out.decisions = decisions;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Thrown inside `change` to abort an update with a reason the caller maps to its own error. */
export class AcceptanceChangeRefused extends Error {
  constructor(
    readonly reason: 'already-accepted' | 'not-accepted' | 'corrupt' | 'refused',
    message: string,
  ) {
    super(message);
    this.name = 'AcceptanceChangeRefused';
  }
}

export class AcceptanceStore {
  constructor(private readonly store: KeyValueStore) {}

  async read(issueId: string): Promise<AcceptanceEntryRead> {
    return parseStoredAcceptance(await this.store.get(acceptanceKey(issueId)));
  }

  /** The valid record or null (absent, revoked or corrupt); for the engine's `acceptanceOf`. */
  async record(issueId: string): Promise<AcceptanceRecord | null> {
    const read = await this.read(issueId);
    return read.state === 'present' ? (read.entry.record ?? null) : null;
  }

  /** Records of many issues (one read each; kvs has no multi-get on plain keys we rely on). */
  async records(issueIds: readonly string[]): Promise<Map<string, StoredAcceptance>> {
    const out = new Map<string, StoredAcceptance>();
    await Promise.all(
      issueIds.map(async (id) => {
        const read = await this.read(id);
        if (read.state === 'present') out.set(id, read.entry);
      }),
    );
    return out;
  }

  /** Every decision of the story, oldest first: the archived chunks, then the inline ones. */
  async allDecisions(issueId: string, entry?: StoredAcceptance): Promise<Decision[]> {
    let current = entry;
    if (!current) {
      const read = await this.read(issueId);
      if (read.state !== 'present') return [];
      current = read.entry;
    }
    const chunks = await Promise.all(
      Array.from({ length: current.archived / CHUNK }, async (_, n) => {
        const parsed = chunkSchema.safeParse(await this.store.get(decisionLogKey(issueId, n)));
        // A lost or damaged chunk is reported by its absence rather than by inventing decisions.
        return parsed.success ? parsed.data : [];
      }),
    );
    return [...chunks.flat(), ...decisionsOf(current)];
  }

  /**
   * Adopts a record (and decisions) the app made before this store existed: the local host starts
   * from a snapshot whose `popm.acceptance` properties stand for the app's earlier decisions.
   * Never replaces an entry the store already holds, so it cannot undo a later decision.
   */
  async adopt(
    issueId: string,
    issueKey: string,
    record: AcceptanceRecord | null,
    decisions: Decision[] = [],
  ): Promise<boolean> {
    let adopted = false;
    await this.store.update<unknown>(acceptanceKey(issueId), (raw) => {
      if (raw !== undefined) return raw;
      adopted = true;
      const entry: Record<string, unknown> = { issueKey, record, revision: 0 };
      if (decisions.length > 0) {
        entry.decisions = decisions.slice(-ARCHIVE_AT + 1);
        entry.record = recordOf(decisions);
      } else if (record) {
        entry.history = [{ action: 'accept', by: record.acceptedBy, at: record.acceptedAt }];
      }
      return storedAcceptanceSchema.parse(entry);
    });
    return adopted;
  }

  /**
   * Atomic read-modify-write of one issue's entry. `change` sees the current valid entry (or
   * undefined) and returns the next one; it may throw AcceptanceChangeRefused. A corrupt entry is
   * never overwritten here.
   */
  async change(
    issueId: string,
    change: (current: StoredAcceptance | undefined) => StoredAcceptance,
  ): Promise<StoredAcceptance> {
    const written = await this.store.update<unknown>(acceptanceKey(issueId), (raw) => {
      const read = parseStoredAcceptance(raw);
      if (read.state === 'corrupt') {
        throw new AcceptanceChangeRefused(
          'corrupt',
          `the stored acceptance of issue ${issueId} is unreadable: ${read.problem}`,
        );
      }
      const next = change(read.state === 'present' ? read.entry : undefined);
      return storedAcceptanceSchema.parse(next);
    });
    return storedAcceptanceSchema.parse(written);
  }

  /**
   * Appends one decision atomically. `decide` sees the current entry and its inline decisions and
   * returns the decision to add, or null to leave the entry as it is (e.g. a racing accept found
   * the story already accepted); it may throw AcceptanceChangeRefused. The record follows the
   * latest decision, and a new decision clears the stale marker of the one it replaces.
   */
  async append(
    issueId: string,
    issueKey: string,
    decide: (current: StoredAcceptance | undefined, decisions: Decision[]) => Decision | null,
  ): Promise<{ entry: StoredAcceptance; appended: Decision | null }> {
    let appended: Decision | null = null;
    const entry = await this.change(issueId, (current) => {
      const decisions = decisionsOf(current);
      appended = decide(current, decisions);
      if (appended === null) {
        if (!current) throw new AcceptanceChangeRefused('not-accepted', `${issueKey} has no decision yet`);
        return current;
      }
      const next = [...decisions, appended];
      const { staleSince: _stale, ...rest } = current ?? { history: [], archived: 0 };
      return {
        ...rest,
        issueKey,
        record: recordOf(next),
        revision: (current?.revision ?? 0) + 1,
        decisions: next,
      };
    });
    if ((entry.decisions?.length ?? 0) >= ARCHIVE_AT) await this.archive(issueId);
    return { entry, appended };
  }

  /**
   * Moves the oldest CHUNK inline decisions to their log chunk. The chunk is written first and its
   * content is fixed by the append-only history, so a crash or a racing archiver between the two
   * writes only rewrites the same chunk; the entry then drops exactly what the chunk holds.
   */
  private async archive(issueId: string): Promise<void> {
    const read = await this.read(issueId);
    if (read.state !== 'present') return;
    const inline = read.entry.decisions ?? [];
    if (inline.length < ARCHIVE_AT) return;
    const archived = read.entry.archived;
    await this.store.set(decisionLogKey(issueId, archived / CHUNK), inline.slice(0, CHUNK));
    await this.change(issueId, (current) => {
      if (!current || current.archived !== archived || (current.decisions?.length ?? 0) < ARCHIVE_AT)
        return current ?? read.entry;
      return {
        ...current,
        decisions: (current.decisions ?? []).slice(CHUNK),
        archived: archived + CHUNK,
        revision: current.revision + 1,
      };
    });
  }
}
