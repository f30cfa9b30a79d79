/**
 * What the daily digest remembers: the day each Product Owner last got one (the guard behind "at
 * most one a day") and the latest run for the admin page.
 *
 * The guard is a claim written BEFORE the notification is sent, with the store's atomic update:
 * of two runs that meet (the trigger firing twice, a retry, "send now" during the daily run) only
 * the one whose update wrote today's day sends. The price is at-most-once: a run that dies between
 * its claim and Jira's answer leaves that PO without a digest that day; it never sends two.
 */
import { z } from 'zod';
import type { KeyValueStore } from './store';

export const DIGEST_SENT_PREFIX = 'digest:sent:';
export const DIGEST_LAST_KEY = 'digest:last';

const claimSchema = z.object({ day: z.string(), at: z.string(), run: z.string() });

const lastSchema = z.object({
  /** UTC day of the latest run that sent something. */
  day: z.string(),
  /** When that run finished. */
  at: z.string(),
  /** People who got a digest that day (all runs of the day together). */
  recipients: z.number().int().min(0),
});
export type DigestLast = z.infer<typeof lastSchema>;

export class DigestStore {
  constructor(private readonly store: KeyValueStore) {}

  /** True when `accountId` already has a claim for `day` (or a later one: a clock that went back). */
  async sentOn(accountId: string, day: string): Promise<boolean> {
    const parsed = claimSchema.safeParse(await this.store.get(DIGEST_SENT_PREFIX + accountId));
    return parsed.success && parsed.data.day >= day;
  }

  /** Claims today's digest of `accountId` for run `run`; false when another run has it already. */
  async claim(accountId: string, day: string, run: string, at: string): Promise<boolean> {
    let won = false;
    await this.store.update<unknown>(DIGEST_SENT_PREFIX + accountId, (raw) => {
      const parsed = claimSchema.safeParse(raw);
      won = !(parsed.success && parsed.data.day >= day);
      return won ? { day, at, run } : raw;
    });
    return won;
  }

  /**
   * Gives a claim back when Jira surely sent nothing (it refused the request), so a later run of
   * the day may try again. Only this run's own claim is removed.
   */
  async release(accountId: string, run: string): Promise<void> {
    await this.store.update<unknown>(DIGEST_SENT_PREFIX + accountId, (raw) => {
      const parsed = claimSchema.safeParse(raw);
      return parsed.success && parsed.data.run === run ? undefined : raw;
    });
  }

  async last(): Promise<DigestLast | undefined> {
    const parsed = lastSchema.safeParse(await this.store.get(DIGEST_LAST_KEY));
    return parsed.success ? parsed.data : undefined;
  }

  /** Adds a run's recipients to its day's count (a new day starts from zero). */
  async recordRun(day: string, at: string, sent: number): Promise<DigestLast> {
    const written = await this.store.update<unknown>(DIGEST_LAST_KEY, (raw) => {
      const parsed = lastSchema.safeParse(raw);
      const before = parsed.success && parsed.data.day === day ? parsed.data.recipients : 0;
      return { day, at, recipients: before + sent };
    });
    return lastSchema.parse(written);
  }
}
