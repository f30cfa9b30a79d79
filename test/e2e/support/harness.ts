/**
 * Starts the local host in-process on a free port (building the UI bundles first when stale) and
 * drives Debian's chromium with playwright-core. Never downloads a browser.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { buildUi, isUiStale } from '../../../scripts/build-ui';
import { startLocalHost, type LocalHost } from '../../../src/localhost/app';
import { CHROMIUM, CHROMIUM_ARGS, OFF_SITE, PIXEL } from '../../../scripts/chromium';

export const ROOT = resolve(__dirname, '../../..');
export { CHROMIUM };
const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Known noise that is not a page error: Atlaskit's feature-gate client is not initialised outside Atlassian. */
const IGNORED_CONSOLE = [/feature gate/i];

let built: Promise<void> | null = null;
export function ensureUi(): Promise<void> {
  built ??= isUiStale().then((stale) => (stale ? buildUi() : undefined));
  return built;
}

export interface Harness {
  host: LocalHost;
  browser: Browser;
  /** Page errors and console errors seen so far, in any page or frame. */
  errors: string[];
  open(path: string, opts?: { frames?: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function startHarness(snapshotPath?: string): Promise<Harness> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the browser tests need Debian's chromium at ${CHROMIUM}: run \`apt-get install chromium\` or set CHROMIUM_PATH`,
    );
  }
  await ensureUi();
  const host = await startLocalHost({
    port: 0,
    buildDir: join(ROOT, 'static', 'build'),
    ...(snapshotPath ? { snapshotPath } : {}),
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  // Anything not on the local host is a remote site (the own avatars a real site's snapshot may
  // carry); answer it instead of the internet. test/e2e/avatars.test.ts counts such requests as failures.
  await context.route(OFF_SITE, (route) =>
    route.fulfill({ status: 200, contentType: 'image/png', body: PIXEL }),
  );
  const errors: string[] = [];
  // Every surface is served under Forge's Content-Security-Policy; any violation in any page or
  // frame (a blocked image, an eval probe, an inline script) fails the suite's error check.
  await context.exposeBinding('__popmCspViolation', ({ frame }, v: Record<string, string>) => {
    const sample = v.sample ? ` (${v.sample})` : '';
    errors.push(
      `CSP violation in ${frame.url()}: ${v.directive} blocked ${v.blocked}${sample} at ${v.source}:${v.line}`,
    );
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (
        window as unknown as { __popmCspViolation: (v: Record<string, string>) => Promise<void> }
      ).__popmCspViolation;
      void report({
        directive: e.violatedDirective,
        blocked: e.blockedURI,
        sample: e.sample,
        source: e.sourceFile,
        line: String(e.lineNumber),
      });
    });
  });
  const pages: Page[] = [];
  return {
    host,
    browser,
    errors,
    async open(path, opts = {}) {
      const page = await context.newPage();
      pages.push(page);
      page.on('pageerror', (e) => errors.push(`pageerror on ${path}: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' && !IGNORED_CONSOLE.some((r) => r.test(m.text())))
          errors.push(`console error on ${path}: ${m.text()}`);
      });
      await page.goto(host.url + path);
      // Each surface's frame is ready when its bundle has replaced the loading state with a <main> or a form.
      const frames = opts.frames ?? 1;
      for (let i = 0; i < frames; i++) {
        await page
          .locator('iframe')
          .nth(i)
          .contentFrame()
          .locator('main, form, [role="alert"], .popm-empty')
          .first()
          .waitFor({ timeout: 60000 });
      }
      return page;
    },
    async close() {
      for (const p of pages) await p.close().catch(() => undefined);
      await browser.close();
      await host.close();
    },
  };
}

export function frameOf(page: Page, surface: string): Frame {
  const f = page.frames().find((x) => x.url().includes(`/__frame/${surface}/`));
  if (!f) throw new Error(`no ${surface} frame on ${page.url()}`);
  return f;
}

/** axe-core violations of impact serious or critical in one frame (or the host page). */
export async function seriousViolations(target: Frame | Page): Promise<string[]> {
  await target.evaluate(AXE_SOURCE);
  const result = await target.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run: (
            ctx: Document,
            o: object,
          ) => Promise<{
            violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)),
    }));
  });
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}) at ${v.targets.join(' ')}`);
}

export interface SampleUsers {
  admin: string;
}

export function loadSample(): {
  admins: string[];
  users: { accountId: string; displayName: string; active: boolean }[];
  issues: {
    key: string;
    fields: Record<string, unknown> & { project: string; issuetype: string; status: { category: string } };
    properties?: Record<string, unknown>;
  }[];
  issueTypes: { id: string; name: string; hierarchyLevel: number }[];
  fields: { id: string; name: string }[];
} {
  return JSON.parse(readFileSync(join(ROOT, 'samples', 'sample-site.json'), 'utf8'));
}
