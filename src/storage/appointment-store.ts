/**
 * Who made whom an owner of a story, and when (rules.md, `acceptance-self-appointed`): written when
 * someone sets owners through the app and when the app's issue events show an owner field change.
 * Only the last 30 days matter, and only the newest MAX_KEPT changes are kept, so the value stays a
 * few KiB.
 */
import { z } from 'zod';
import { SELF_APPOINTMENT_WINDOW_MS, type OwnerAppointment } from '../domain/acceptance';
import { timeOf } from '../domain/read';
import type { KeyValueStore } from './store';

export const APPOINTMENT_PREFIX = 'owner-appointments:';
const MAX_KEPT = 30;

const appointmentsSchema = z.array(
  z
    .object({ accountId: z.string().min(1).max(128), by: z.string().min(1).max(128), at: z.string() })
    .strict(),
);

export function appointmentKey(issueId: string): string {
  return `${APPOINTMENT_PREFIX}${issueId}`;
}

export class AppointmentStore {
  constructor(private readonly store: KeyValueStore) {}

  async list(issueId: string): Promise<OwnerAppointment[]> {
    const parsed = appointmentsSchema.safeParse(await this.store.get(appointmentKey(issueId)));
    return parsed.success ? parsed.data : [];
  }

  /** Records that `by` added `added` to the story's owners at `at`; drops what is out of the window. */
  async record(issueId: string, added: readonly string[], by: string, at: string): Promise<void> {
    if (added.length === 0) return;
    const now = timeOf(at) ?? Date.now();
    await this.store.update<unknown>(appointmentKey(issueId), (raw) => {
      const parsed = appointmentsSchema.safeParse(raw);
      const kept = (parsed.success ? parsed.data : []).filter(
        (a) => now - (timeOf(a.at) ?? 0) <= SELF_APPOINTMENT_WINDOW_MS,
      );
      return [...kept, ...added.map((accountId) => ({ accountId, by, at }))].slice(-MAX_KEPT);
    });
  }
}

/** Account ids held by a user field value (a user object, an array of them, or bare ids). */
export function accountIdsOf(value: unknown): string[] {
  const one = (v: unknown): string | undefined =>
    typeof v === 'string'
      ? v
      : typeof v === 'object' && v !== null && 'accountId' in v && typeof v.accountId === 'string'
        ? v.accountId
        : undefined;
  const list = Array.isArray(value) ? value.map(one) : [one(value)];
  return list.filter((id): id is string => id !== undefined && id !== '');
}
