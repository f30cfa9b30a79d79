/**
 * Where an issue key links to. Jira tells an app the URL of its own pages (`router.getUrl`); we ask
 * once at start for a probe key and reuse the answer as a template, so a table of thousands of
 * keys renders plain hrefs without a bridge call each. A host without `getUrl` gets Jira's
 * `/browse/KEY` under the context's site URL.
 */
import { router } from '@forge/bridge';

const PROBE = 'POPMPROBE-1';
let template: { before: string; after: string } | null = null;

/** Resolves the link template; call once before the first render. Never throws. */
export async function initIssueLinks(siteUrl: string | undefined): Promise<void> {
  const fallback = { before: `${(siteUrl ?? '').replace(/\/$/, '')}/browse/`, after: '' };
  try {
    const url = String((await router.getUrl({ target: 'issue', issueKey: PROBE })) ?? '');
    const at = url.indexOf(PROBE);
    template = at < 0 ? fallback : { before: url.slice(0, at), after: url.slice(at + PROBE.length) };
  } catch {
    template = fallback;
  }
}

export function issueUrl(issueKey: string): string {
  const t = template ?? { before: '/browse/', after: '' };
  return `${t.before}${encodeURIComponent(issueKey)}${t.after}`;
}

/**
 * Opens the issue in Jira's own issue view, in the page around the app (an app frame must not
 * navigate itself). Modified clicks keep the browser's own behaviour (new tab, new window).
 */
export function openIssue(issueKey: string, newTab: boolean): void {
  const location = { target: 'issue', issueKey } as const;
  void (newTab ? router.open(location) : router.navigate(location)).catch(() => {
    window.open(issueUrl(issueKey), '_top');
  });
}
