/** Small display helpers. */

export function percent(ratio: number | null): string {
  return ratio === null ? '—' : `${Math.round(ratio * 100)}%`;
}

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago". */
export function age(iso: string | null, now: Date): string {
  if (!iso) return 'never';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'unknown';
  const s = Math.max(0, Math.round((now.getTime() - then) / 1000));
  if (s < 60) return 'just now';
  const unit = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'} ago`;
  if (s < 3600) return unit(Math.floor(s / 60), 'minute');
  if (s < 86400) return unit(Math.floor(s / 3600), 'hour');
  return unit(Math.floor(s / 86400), 'day');
}

export function dateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export const LEVEL_LABEL = {
  portfolio: 'Epic',
  program: 'Feature',
  team: 'Story',
  subtask: 'Subtask',
} as const;

export const OWNER_SOURCE_LABEL = {
  field: 'from the owner field',
  team: 'from the team mapping',
  project: 'project default',
} as const;
