/** Small display helpers. */
import { messages, t, tp } from '../i18n';

export function percent(ratio: number | null): string {
  return ratio === null ? '—' : `${Math.round(ratio * 100)}%`;
}

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago". */
export function age(iso: string | null, now: Date): string {
  if (!iso) return t('age.never');
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return t('age.unknown');
  const s = Math.max(0, Math.round((now.getTime() - then) / 1000));
  if (s < 60) return t('age.justNow');
  if (s < 3600) return tp('age.minutes', Math.floor(s / 60));
  if (s < 86400) return tp('age.hours', Math.floor(s / 3600));
  return tp('age.days', Math.floor(s / 86400));
}

/** The signed-in user's locale from Jira's context (set once at start); the browser's until then. */
let userLocale: string | undefined;
export function setUserLocale(locale: string | undefined): void {
  // Jira sends e.g. "en_US"; Intl wants "en-US". A locale Intl does not know falls back.
  const tag = locale?.replace('_', '-');
  try {
    userLocale = tag && Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0 ? tag : undefined;
  } catch {
    userLocale = undefined;
  }
}

/** A full date and time in the user's locale, without seconds (for titles and exports). */
export function dateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : new Intl.DateTimeFormat(userLocale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/**
 * Jira's style: relative for the last week ("5 minutes ago", "yesterday"), then the date in the
 * user's locale ("12 Nov 2026").
 */
export function friendlyDate(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const s = Math.round((d.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(s);
  const rtf = new Intl.RelativeTimeFormat(userLocale, { numeric: 'auto' });
  if (abs < 60) return rtf.format(0, 'second');
  if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(s / 3600), 'hour');
  if (abs < 7 * 86400) return rtf.format(Math.round(s / 86400), 'day');
  return new Intl.DateTimeFormat(userLocale, { dateStyle: 'medium' }).format(d);
}

export const LEVEL_LABEL = messages({
  portfolio: 'level.portfolio',
  program: 'level.program',
  team: 'level.team',
  subtask: 'level.subtask',
});

export const LEVEL_PLURAL = messages({
  portfolio: 'levelPlural.portfolio',
  program: 'levelPlural.program',
  team: 'levelPlural.team',
  subtask: 'levelPlural.subtask',
});

export const SEVERITY_LABEL = messages({
  error: 'severity.error',
  warning: 'severity.warning',
  info: 'severity.info',
});

export const OWNER_SOURCE_LABEL = messages({
  field: 'ownerSource.field',
  team: 'ownerSource.team',
  project: 'ownerSource.project',
});
