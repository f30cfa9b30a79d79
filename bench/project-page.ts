/**
 * The project page of a big project in a real browser: the local host on a generated site whose
 * team project T1 holds N stories (below ART's features), opened at /project/T1 in Debian's
 * chromium. The first visit scans the project; the measured visit is a second, fresh page over
 * the stored tree (what people see every day). Printed: time from navigation to the first tree
 * row, to the whole tree loaded, the JS heap then (CDP Runtime.getHeapUsage over the page, frames
 * included) and the table rows in the DOM.
 *
 * Options (environment): PAGE_SIZES=20000,100000 (the default).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { buildUi, isUiStale } from '../scripts/build-ui';
import { startLocalHost } from '../src/localhost/app';
import { mib, storiesSite, type BenchSection } from './section';
import { CHROMIUM, CHROMIUM_ARGS } from '../scripts/chromium';

const ROOT = resolve(__dirname, '..');
const PROJECT = 'T1';
/** Generous: at 100,000 issues the unwindowed page takes minutes; the bench reports, never fails on time. */
const WAIT_MS = 15 * 60 * 1000;
const LOAD_LIMIT_MS = Number(process.env.PAGE_LOAD_LIMIT_MS ?? 5 * 60 * 1000);

function sizes(): number[] {
  const raw = process.env.PAGE_SIZES;
  if (!raw) return [20_000, 100_000];
  return raw
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n >= 100);
}

const frameOf = (page: Page) => page.locator('iframe[data-surface="project-page"]').contentFrame();

/**
 * Opens the page: the times (ms after navigation) of the first row and of the whole tree, or null
 * when the tree was not all in after LOAD_LIMIT_MS (the unwindowed page at 20,000 rows).
 */
async function visit(page: Page, url: string): Promise<{ firstRow: number; loaded: number | null }> {
  const start = Date.now();
  await page.goto(url);
  const frame = frameOf(page);
  await frame.locator('[data-row-key]').first().waitFor({ state: 'attached', timeout: WAIT_MS });
  const firstRow = Date.now() - start;
  // The CSV button is enabled once every page of the tree is in.
  const loaded = await frame
    .locator('[data-action="export-csv"]:not([disabled])')
    .waitFor({ timeout: LOAD_LIMIT_MS })
    .then(
      () => Date.now() - start,
      () => null,
    );
  return { firstRow, loaded };
}

const ms = (v: number | null): string => (v === null ? `not in after ${LOAD_LIMIT_MS} ms` : `${v} ms`);

async function measure(stories: number, dir: string): Promise<void> {
  const file = join(dir, `page-${stories}.json`);
  const site = storiesSite(stories);
  writeFileSync(file, JSON.stringify(site));
  const host = await startLocalHost({ port: 0, buildDir: join(ROOT, 'static', 'build'), snapshotPath: file });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.route(/^https?:\/\/(?!localhost[:/]|127\.0\.0\.1[:/])/, (r) =>
      r.fulfill({ status: 200, body: '' }),
    );
    const url = `${host.url}/project/${PROJECT}`;
    // First visit: the scan, so the measured visit reads a stored tree.
    const first = await context.newPage();
    const scanned = await visit(first, url);
    await first.close();

    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const t = await visit(page, url);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const domRows = await frameOf(page).locator('tr[data-row-key]').count();
    console.log(
      `${stories.toLocaleString('en-US').padStart(8)} stories (${site.issues.length.toLocaleString('en-US')} issues on the site): ` +
        `first rows ${t.firstRow} ms, whole tree ${ms(t.loaded)}, JS heap ${mib(heap.usedSize)} ` +
        `(of ${mib(heap.totalSize)}), rows in the DOM ${domRows.toLocaleString('en-US')}; first visit (scan) rows ${scanned.firstRow} ms, whole tree ${ms(scanned.loaded)}`,
    );
  } finally {
    await browser.close();
    await host.close();
  }
}

export const projectPageBench: BenchSection = {
  name: 'project-page',
  description: 'project page of a big project in chromium: time to first rows, whole tree, JS heap',
  async run() {
    if (await isUiStale()) await buildUi((m) => process.stderr.write(`${m}\n`));
    const dir = mkdtempSync(join(tmpdir(), 'popm-page-'));
    try {
      for (const n of sizes()) await measure(n, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
