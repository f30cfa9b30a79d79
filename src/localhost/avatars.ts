/**
 * Avatars of the local site: the sample's accounts and projects are made up, so Atlassian's avatar
 * service has nothing for them and every <img> would fail. The host draws initials on a colour
 * taken from the id instead, the same picture for the same id on every run.
 */
import { createHash } from 'node:crypto';
import { esc } from './pages';

export type AvatarKind = 'user' | 'project';

/** Where the host serves an avatar, under its own origin (Forge's img-src allows 'self'). */
export function localAvatarPath(kind: AvatarKind, id: string): string {
  return `/avatars/${kind}/${encodeURIComponent(id)}.svg`;
}

/** Parses a path made by localAvatarPath; null for anything else. */
export function parseAvatarPath(path: string): { kind: AvatarKind; id: string } | null {
  const m = /^\/avatars\/(user|project)\/([^/]+)\.svg$/.exec(path);
  if (!m?.[1] || !m[2]) return null;
  try {
    return { kind: m[1] as AvatarKind, id: decodeURIComponent(m[2]) };
  } catch {
    return null;
  }
}

/** Backgrounds dark enough for white text to pass WCAG AA (4.5:1) on each. */
const PALETTE = ['#0055cc', '#216e4e', '#a54800', '#5e4db2', '#ae2e24', '#206a83', '#943d73', '#44546f'];

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.[0] ?? '?';
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

export function avatarSvg(id: string, name: string, kind: AvatarKind): string {
  const hash = createHash('sha1').update(id).digest();
  const colour = PALETTE[(hash[0] ?? 0) % PALETTE.length] ?? PALETTE[0];
  // People are round, projects square with soft corners, as Jira draws them.
  const shape =
    kind === 'user'
      ? `<circle cx="64" cy="64" r="64" fill="${colour}"/>`
      : `<rect width="128" height="128" rx="16" fill="${colour}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128" role="img" aria-label="${esc(name)}">${shape}<text x="64" y="64" dy=".35em" text-anchor="middle" font-family="-apple-system,'Segoe UI',Roboto,sans-serif" font-size="52" font-weight="600" fill="#fff">${esc(initials(name))}</text></svg>`;
}
