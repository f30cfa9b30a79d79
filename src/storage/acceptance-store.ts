/**
 * Acceptance records, keyed by issue id: the truth. The `popm.acceptance` issue property is only a
 * mirror. Records are validated on read; a malformed stored record is reported, not trusted.
 */
import { z } from 'zod';
import { acceptanceRecordSchema } from '../domain/acceptance';
import type { AcceptanceRecord } from '../domain/types';
import type { KeyValueStore } from './store';

export const ACCEPTANCE_PREFIX = 'acceptance:';

export const storedAcceptanceSchema = z
  .object({
    issueKey: z.string().min(1).max(300),
    /** Null after a revoke: the entry stays so a racing accept sees the revoke happened. */
    record: acceptanceRecordSchema.nullable(),
    /** Set by the issue-updated trigger the moment a story leaves done after acceptance. */
    staleSince: z.string().optional(),
    /** Bumped on every change, so callers can tell which write won. */
    revision: z.number().int().min(0),
    history: z
      .array(
        z.object({
          action: z.enum(['accept', 'revoke', 'stale']),
          by: z.string().optional(),
          at: z.string(),
        }),
      )
      .max(50)
      .default([]),
  })
  .strict();

export type StoredAcceptance = z.infer<typeof storedAcceptanceSchema>;

export type AcceptanceEntryRead =
  { state: 'absent' } | { state: 'present'; entry: StoredAcceptance } | { state: 'corrupt'; problem: string };

export function acceptanceKey(issueId: string): string {
  return `${ACCEPTANCE_PREFIX}${issueId}`;
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

/** Thrown inside `change` to abort an update with a reason the caller maps to its own error. */
export class AcceptanceChangeRefused extends Error {
  constructor(
    readonly reason: 'already-accepted' | 'not-accepted' | 'corrupt',
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

  /**
   * Adopts a record the app made before this store existed: the local host starts from a snapshot
   * whose `popm.acceptance` properties stand for the app's earlier acceptances. Never replaces an
   * entry the store already holds, so it cannot undo a later accept or revoke.
   */
  async adopt(issueId: string, issueKey: string, record: AcceptanceRecord): Promise<boolean> {
    let adopted = false;
    await this.store.update<unknown>(acceptanceKey(issueId), (raw) => {
      if (raw !== undefined) return raw;
      adopted = true;
      return storedAcceptanceSchema.parse({
        issueKey,
        record,
        revision: 0,
        history: [{ action: 'accept', by: record.acceptedBy, at: record.acceptedAt }],
      });
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
}
