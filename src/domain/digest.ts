/**
 * "Awaiting acceptance" and the daily digest built on it. One definition serves the PO's queue
 * (src/services/queue.ts) and the digest (src/services/digest.ts), so a story cannot be in one and
 * not the other: a story (team level) that has started and has no valid, unstale acceptance.
 */
import type { Level, StatusCategory } from './types';
import { timeOf } from './read';

/** The fields of an issue summary (a tree row, a queue candidate) the definition reads. */
export interface AwaitingCandidate {
  level: Level;
  status: { category: StatusCategory };
  acceptance: { valid: boolean; stale: boolean } | null;
}

export function awaitsAcceptance(issue: AwaitingCandidate): boolean {
  if (issue.level !== 'team' || issue.status.category === 'new') return false;
  return !(issue.acceptance?.valid === true && !issue.acceptance.stale);
}

/** A story awaiting acceptance, with who owns it and since when it waits. */
export interface WaitingStory {
  key: string;
  summary: string;
  statusName: string;
  /** `statuscategorychangedate`: when the story entered its current status category. */
  waitingSince: string | null;
  /** The story's Product Owners (account ids). */
  owners: readonly string[];
}

export interface DigestEntry {
  accountId: string;
  /** Longest-waiting first; the first is the issue the notification is sent on. */
  stories: (WaitingStory & { waitingDays: number })[];
}

const DAY_MS = 86_400_000;

/** The UTC day of a moment: the unit of "at most one digest per PO per day". */
export function digestDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Who gets a digest and about what: each owner with at least one story waiting longer than
 * `thresholdDays`. A story without a known waiting start is left out (nothing proves it waited
 * long). Stories are listed once per owner even if several snapshots hold them.
 */
export function planDigest(stories: Iterable<WaitingStory>, thresholdDays: number, now: Date): DigestEntry[] {
  const cutoff = now.getTime() - thresholdDays * DAY_MS;
  const byOwner = new Map<string, Map<string, DigestEntry['stories'][number]>>();
  for (const story of stories) {
    const since = timeOf(story.waitingSince);
    if (since === undefined || since >= cutoff) continue;
    const waitingDays = Math.floor((now.getTime() - since) / DAY_MS);
    for (const owner of new Set(story.owners)) {
      let mine = byOwner.get(owner);
      if (!mine) {
        mine = new Map<string, DigestEntry['stories'][number]>();
        byOwner.set(owner, mine);
      }
      if (!mine.has(story.key)) mine.set(story.key, { ...story, waitingDays });
    }
  }
  const out: DigestEntry[] = [];
  for (const [accountId, mine] of byOwner) {
    const list = [...mine.values()].sort(
      (a, b) =>
        (timeOf(a.waitingSince) ?? 0) - (timeOf(b.waitingSince) ?? 0) ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
    out.push({ accountId, stories: list });
  }
  return out.sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
}

/** Stories listed in one notification; the rest are counted ("and 12 more"). */
export const DIGEST_MAX_LISTED = 50;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The notification's subject and bodies, with a link to each story on `baseUrl`. */
export function digestMessage(
  entry: DigestEntry,
  thresholdDays: number,
  baseUrl: string,
): { subject: string; textBody: string; htmlBody: string } {
  const n = entry.stories.length;
  const listed = entry.stories.slice(0, DIGEST_MAX_LISTED);
  const more = n - listed.length;
  const link = (key: string) => `${baseUrl.replace(/\/+$/, '')}/browse/${encodeURIComponent(key)}`;
  const days = (d: number) => `${d} ${d === 1 ? 'day' : 'days'}`;
  const subject = `POPM Guard: ${n} ${n === 1 ? 'story awaits' : 'stories await'} your acceptance`;
  const intro = `${n === 1 ? 'This story has' : 'These stories have'} waited for your acceptance longer than ${days(thresholdDays)}:`;
  const text = [
    intro,
    ...listed.map((s) => `- ${s.key} ${s.summary} (${s.statusName}, ${days(s.waitingDays)}): ${link(s.key)}`),
    ...(more > 0 ? [`and ${more} more.`] : []),
  ].join('\n');
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    '<ul>',
    ...listed.map(
      (s) =>
        `<li><a href="${escapeHtml(link(s.key))}">${escapeHtml(s.key)}</a> ${escapeHtml(s.summary)} (${escapeHtml(s.statusName)}, ${days(s.waitingDays)})</li>`,
    ),
    '</ul>',
    ...(more > 0 ? [`<p>and ${more} more.</p>`] : []),
  ].join('');
  return { subject, textBody: text, htmlBody: html };
}
